// What watches a command's analyses on stderr: the progress line (a terminal only, not with
// --quiet) and the --stats table. The library sees one ProgressObserver; this fans its calls
// out and owns the order of output: the progress line is gone before the report is written,
// and the table comes after it. stdout and -o files never change.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cli/progress_line.h"
#include "cli/run_stats.h"

namespace layerscope::cli {

class RunWatch : public ProgressObserver {
 public:
  // Null when nothing is to be shown: no --stats, and stderr is not a terminal or --quiet.
  static std::unique_ptr<RunWatch> make(bool stats, bool quiet);

  void phase_begin(const std::string& name) override;
  void phase_end(const std::string& name, double seconds) override;
  void layers_begin(size_t layers, std::optional<uint64_t> compressed_total) override;
  void layer_bytes(size_t index, uint64_t delta) override;
  void layer_end(size_t index, const LayerStats& stats) override;
  void archive_bytes(uint64_t delta) override;

  // Runs `write` (render and write the report) as phase `phase`, the progress line cleared
  // first; then prints the --stats table on stderr.
  void report(const std::function<void()>& write, const std::string& phase);

 private:
  std::unique_ptr<ProgressLine> line_;
  std::unique_ptr<RunStats> stats_;
};

}  // namespace layerscope::cli

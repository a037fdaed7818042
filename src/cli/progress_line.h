// The progress line on stderr: one line, redrawn in place with '\r' at most ten times a
// second (by a ticker thread, and at once when a phase begins after a quiet tick), e.g. `layers 3/9  412.0 MB / 1.2 GB  310.4 MB/s  ETA 3s`. Only for
// a terminal: the CLI decides (isatty, --quiet), this class only draws.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "layerscope/progress.h"

namespace layerscope::cli {

// What the line shows at one moment.
struct ProgressState {
  std::string phase;
  size_t layers = 0, layers_done = 0;
  uint64_t bytes_done = 0;                 // blob bytes of finished layers + read so far of the others
  std::optional<uint64_t> bytes_total;     // unknown: no ETA
  uint64_t archive_bytes = 0;              // streamed while opening a compressed archive
  double bytes_per_second = 0;             // blob bytes actually read (cache hits read none)
};

// "layers 3/9  412.0 MB / 1.2 GB  310.4 MB/s  ETA 3s"; "open  45.0 MB  120.3 MB/s"; "merge".
std::string progress_text(const ProgressState& s);

class ProgressLine : public ProgressObserver {
 public:
  explicit ProgressLine(std::FILE* out);
  ~ProgressLine() override;
  // Stops the ticker and clears the line for good (idempotent): the report, an error
  // message or the stats table starts on a clean line.
  void stop();

  void phase_begin(const std::string& name) override;
  void layers_begin(size_t layers, std::optional<uint64_t> compressed_total) override;
  void layer_bytes(size_t index, uint64_t delta) override;
  void layer_end(size_t index, const LayerStats& stats) override;
  void archive_bytes(uint64_t delta) override;

 private:
  using Clock = std::chrono::steady_clock;
  ProgressState state_locked() const;
  void draw_locked();
  void tick();

  std::FILE* out_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::string phase_;
  size_t layers_ = 0, layers_done_ = 0;
  std::optional<uint64_t> total_;
  uint64_t finished_bytes_ = 0, read_bytes_ = 0, archive_bytes_ = 0;
  std::map<size_t, uint64_t> in_flight_;  // bytes read so far of unfinished layers
  Clock::time_point started_ = Clock::now();  // of the phase whose bytes give the rate
  Clock::time_point drawn_at_;                // at most one draw per tick
  size_t drawn_ = 0;                          // characters on the terminal now
  std::string last_;
  std::thread ticker_;
};

}  // namespace layerscope::cli

#include "cli/run_watch.h"

#include <unistd.h>

#include <cstdio>

namespace layerscope::cli {

std::unique_ptr<RunWatch> RunWatch::make(bool stats, bool quiet) {
  // A progress line only where someone watches: never into a pipe, a file or a CI log.
  bool line = !quiet && ::isatty(STDERR_FILENO);
  if (!stats && !line) return nullptr;
  auto w = std::make_unique<RunWatch>();
  if (line) w->line_ = std::make_unique<ProgressLine>(stderr);
  if (stats) w->stats_ = std::make_unique<RunStats>();
  return w;
}

// Forwarding: the line and the table each keep only what they show.
void RunWatch::phase_begin(const std::string& name) {
  if (line_) line_->phase_begin(name);
}
void RunWatch::phase_end(const std::string& name, double seconds) {
  if (stats_) stats_->phase_end(name, seconds);
}
void RunWatch::layers_begin(size_t layers, std::optional<uint64_t> compressed_total) {
  if (line_) line_->layers_begin(layers, compressed_total);
  if (stats_) stats_->layers_begin(layers, compressed_total);
}
void RunWatch::layer_bytes(size_t index, uint64_t delta) {
  if (line_) line_->layer_bytes(index, delta);
}
void RunWatch::layer_end(size_t index, const LayerStats& stats) {
  if (line_) line_->layer_end(index, stats);
  if (stats_) stats_->layer_end(index, stats);
}
void RunWatch::archive_bytes(uint64_t delta) {
  if (line_) line_->archive_bytes(delta);
}

void RunWatch::report(const std::function<void()>& write, const std::string& phase) {
  if (line_) line_->stop();  // the report may go to the same terminal
  {
    PhaseClock clock(this);
    clock.next(phase);
    write();
  }
  if (stats_) std::fputs(stats_->render().c_str(), stderr);
}

}  // namespace layerscope::cli

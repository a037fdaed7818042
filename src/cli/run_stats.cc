#include "cli/run_stats.h"

#include <fmt/format.h>

#include "util/digest.h"
#include "util/units.h"

namespace layerscope::cli {

namespace {

// MB/s (1 MB = 10^6 bytes, as every size layerscope prints); "-" when no time was measured.
std::string mb_per_second(uint64_t bytes, double seconds) {
  if (seconds <= 0) return "-";
  return fmt::format("{:.1f}", static_cast<double>(bytes) / 1e6 / seconds);
}

constexpr const char* kRow = "{:>5}  {:<19}  {:<11}  {:>14}  {:>14}  {:>8}  {:>9}{}\n";

}  // namespace

void RunStats::phase_end(const std::string& name, double seconds) {
  std::lock_guard lock(mu_);
  if (name == "index" && !images_.empty()) images_.back().index_seconds += seconds;
  for (auto& [n, s] : phases_) {
    if (n == name) {
      s += seconds;
      return;
    }
  }
  phases_.emplace_back(name, seconds);
}

void RunStats::layers_begin(size_t layers, std::optional<uint64_t>) {
  std::lock_guard lock(mu_);
  images_.push_back({std::vector<std::optional<LayerStats>>(layers), 0});
}

void RunStats::layer_end(size_t index, const LayerStats& stats) {
  std::lock_guard lock(mu_);
  if (!images_.empty() && index < images_.back().layers.size()) images_.back().layers[index] = stats;
}

std::string RunStats::render() const {
  std::lock_guard lock(mu_);
  std::string out = fmt::format("{:<12}  {:>8}\n", "phase", "wall s");
  double total = 0;
  for (const auto& [name, seconds] : phases_) {
    out += fmt::format("{:<12}  {:>8.3f}\n", name, seconds);
    total += seconds;
  }
  out += fmt::format("{:<12}  {:>8.3f}\n", "total", total);
  for (size_t n = 0; n < images_.size(); ++n) {
    const Image& image = images_[n];
    out += "\n";
    if (images_.size() > 1) out += fmt::format("image {} of {}\n", n + 1, images_.size());
    out += fmt::format(kRow, "layer", "digest", "compression", "compressed", "tar", "wall s", "MB/s", "");
    uint64_t compressed = 0, tar = 0, tar_read = 0;
    double streamed_seconds = 0;
    for (size_t i = 0; i < image.layers.size(); ++i) {
      if (!image.layers[i]) continue;  // not reported (cannot happen after a successful run)
      const LayerStats& l = *image.layers[i];
      compressed += l.compressed_bytes;
      tar += l.tar_bytes;
      if (!l.from_cache) tar_read += l.tar_bytes;
      if (l.streamed) streamed_seconds += l.seconds;
      out += fmt::format(kRow, i, l.digest.empty() ? "-" : short_digest(l.digest), compression_name(l.compression),
                         group_thousands(l.compressed_bytes), group_thousands(l.tar_bytes),
                         fmt::format("{:.3f}", l.seconds),
                         l.from_cache ? "-" : mb_per_second(l.tar_bytes, l.seconds),
                         l.from_cache ? "  cache" : l.streamed ? "  streamed" : "");
    }
    // Layers run in parallel: the total's time is the index phase's, plus the layers indexed
    // one after another while a compressed archive streamed by (during "open"). Its rate is
    // that of the layers really read: a cache hit takes no time to "read".
    double seconds = image.index_seconds + streamed_seconds;
    out += fmt::format(kRow, "total", "", "", group_thousands(compressed), group_thousands(tar),
                       fmt::format("{:.3f}", seconds), tar_read ? mb_per_second(tar_read, seconds) : "-", "");
  }
  return out;
}

}  // namespace layerscope::cli

// `--stats`: records what the library reports (phase times, every layer's job) and renders
// the table printed on stderr after the run. A command that analyses several images (diff,
// --all-platforms) gets one layer table per image, in the order they were analysed.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "layerscope/progress.h"

namespace layerscope::cli {

class RunStats : public ProgressObserver {
 public:
  void phase_end(const std::string& name, double seconds) override;
  void layers_begin(size_t layers, std::optional<uint64_t> compressed_total) override;
  void layer_end(size_t index, const LayerStats& stats) override;

  // Phases (wall seconds, summed over images, in first-seen order) and a total, then per
  // image: index, short digest, compression, compressed and tar bytes, wall seconds, MB/s
  // of tar bytes, "cache" for layer-cache hits ("streamed" for layers indexed while a
  // compressed archive streamed by), and a total line.
  std::string render() const;

 private:
  struct Image {
    std::vector<std::optional<LayerStats>> layers;
    double index_seconds = 0;  // the "index" phase: layers run in parallel, so not Σ layers
  };
  mutable std::mutex mu_;
  std::vector<std::pair<std::string, double>> phases_;
  std::vector<Image> images_;
};

}  // namespace layerscope::cli

// Step 2 of analyze(): one indexing job per layer on a pool of `jobs` threads, then the
// checks of what the manifest and config promised (media type, size, digest, diff_id).
// Results land in slots by layer index, and the first failing layer (lowest index) is the
// error reported, so the outcome is the same at any -j.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "layer/indexer.h"
#include "layerscope/analysis.h"
#include "source/resolved.h"

namespace layerscope {

// Members of a compressed archive indexed while it streamed by (keyed by member path).
struct StreamedLayers {
  std::map<std::string, LayerIndex> done;
  std::map<std::string, std::exception_ptr> failed;
  std::map<std::string, double> seconds;  // wall time of each member's indexing (--stats)
};

std::vector<LayerIndex> index_layers(const BlobStore& store, const ResolvedImage& image, const ImageConfig& config,
                                     const StreamedLayers& streamed, const IndexOptions& options, unsigned jobs,
                                     LayerCache* cache, std::vector<Diagnostic>& diagnostics,
                                     ProgressObserver* progress = nullptr);

// The order the layer jobs start in. With several workers, the largest blobs go first
// (longest-processing-time-first): a big layer started last would run alone at the end while
// the other workers sit idle, and images often put their biggest layer late (a pip install on
// a small base). Results land in per-layer slots and the first failing layer is still the
// lowest index, so the report does not depend on this order. With one worker the image's own
// order is kept, which is the order progress shows. Unknown sizes count as 0.
std::vector<size_t> layer_job_order(const std::vector<std::optional<uint64_t>>& sizes, unsigned jobs);

// index_layer(), reporting the blob bytes read to `report` in batches when it is set.
LayerIndex index_reporting(ByteSource& blob, const std::string& what, const IndexOptions& options,
                           const std::function<void(uint64_t)>& report);

// "layer 2 sha256:ab12cd34ef56" — the context every layer error starts with.
std::string layer_label(size_t index, const LayerRef& ref, const ImageConfig& config);

}  // namespace layerscope

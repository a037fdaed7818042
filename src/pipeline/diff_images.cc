// diff_images(): OLD and NEW analysed one after the other through one layer cache, then
// compared. OLD's verified layer indexes go into the cache; NEW's layers with the same blob
// digest come back out of it instead of being read, decompressed and hashed again, which is
// what makes diffing two builds that share a large base cheap. The cache is wrapped to count
// hits so callers (and tests) can see how much was reused.
#include <atomic>

#include "layerscope/diff.h"
#include "layerscope/error.h"
#include "pipeline/analyze_opened.h"
#include "pipeline/diff_opened.h"

namespace layerscope {

namespace {

class CountingCache : public LayerCache {
 public:
  explicit CountingCache(LayerCache& inner) : inner_(inner) {}
  std::optional<LayerIndex> get(const std::string& key) override {
    auto hit = inner_.get(key);
    if (hit) ++hits_;
    return hit;
  }
  void put(const std::string& key, const LayerIndex& index) override { inner_.put(key, index); }
  uint64_t hits() const { return hits_; }

 private:
  LayerCache& inner_;
  std::atomic<uint64_t> hits_{0};
};

Analysis analyze_side(OpenedSide side, AnalyzeOptions options, CountingCache& cache, const char* which) {
  options.cache = &cache;
  try {
    return analyze_opened(*side.image, *side.streamed, options);
  } catch (Error& e) {
    throw e.with_context(which);
  }
}

}  // namespace

DiffRun diff_opened(OpenedSide old_side, OpenedSide new_side, const DiffRequest& request) {
  MemoryLayerCache own;
  CountingCache cache(request.cache ? *request.cache : own);
  DiffRun run;
  run.old_analysis = analyze_side(old_side, request.old_image, cache, "OLD");
  run.new_analysis = analyze_side(new_side, request.new_image, cache, "NEW");
  run.layers_from_cache = cache.hits();
  run.layers_indexed = run.old_analysis.layers.size() + run.new_analysis.layers.size() - run.layers_from_cache;
  run.diff = diff_analyses(run.old_analysis, run.new_analysis);
  return run;
}

DiffRun diff_images(const DiffRequest& request) {
  auto open = [](const AnalyzeOptions& o, StreamedLayers& streamed, const char* which) {
    PhaseClock phase(o.progress);
    phase.next("open");
    try {
      return open_image(parse_reference(o.reference), {o.image, o.platform}, layer_visitor(streamed, o), o.registry);
    } catch (Error& e) {
      throw e.with_context(which);
    }
  };
  StreamedLayers old_streamed, new_streamed;
  OpenedImage old_image = open(request.old_image, old_streamed, "OLD");
  OpenedImage new_image = open(request.new_image, new_streamed, "NEW");
  return diff_opened({&old_image, &old_streamed}, {&new_image, &new_streamed}, request);
}

}  // namespace layerscope

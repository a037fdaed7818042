// Per-layer results keyed by what identifies a layer's bytes. A LayerIndex depends only on
// the blob, so an image that shares layers with one seen before (a base image, the other
// side of a diff) skips them. Keys are built by layer_cache_key(); a cache that cannot
// answer returns nullopt and the layer is read as usual.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "layerscope/layer_index.h"

namespace layerscope {

class LayerCache {
 public:
  virtual ~LayerCache() = default;
  virtual std::optional<LayerIndex> get(const std::string& key) = 0;
  virtual void put(const std::string& key, const LayerIndex& index) = 0;
};

// Thread-safe in-process cache (used by `diff` so layers both images share are read once).
class MemoryLayerCache : public LayerCache {
 public:
  std::optional<LayerIndex> get(const std::string& key) override;
  void put(const std::string& key, const LayerIndex& index) override;
  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const LayerIndex>> entries_;
};

}  // namespace layerscope

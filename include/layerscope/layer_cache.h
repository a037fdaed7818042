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

// The on-disk cache: one file per layer under `dir`, written atomically (temp file +
// rename, so concurrent runs never see half an entry), read with an integrity check (a
// damaged entry is ignored and rewritten), and kept under `max_bytes` by evicting the least
// recently used entries. A hit is trusted by digest: the blob is not read again.
std::unique_ptr<LayerCache> open_disk_layer_cache(const std::string& dir, uint64_t max_bytes);

// $LAYERSCOPE_CACHE_DIR, else $XDG_CACHE_HOME/layerscope, else $HOME/.cache/layerscope.
std::string default_cache_dir();

inline constexpr uint64_t kDefaultCacheBytes = uint64_t{2} << 30;

}  // namespace layerscope

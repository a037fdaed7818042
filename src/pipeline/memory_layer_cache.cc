#include "layerscope/layer_cache.h"

namespace layerscope {

std::optional<LayerIndex> MemoryLayerCache::get(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return *it->second;
}

void MemoryLayerCache::put(const std::string& key, const LayerIndex& index) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key] = std::make_shared<const LayerIndex>(index);
}

size_t MemoryLayerCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace layerscope

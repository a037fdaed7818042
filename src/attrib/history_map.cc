#include "attrib/history_map.h"

namespace layerscope {

std::vector<int> map_history_to_layers(std::vector<HistoryEntry>& history, size_t layer_count) {
  std::vector<int> out(layer_count, -1);
  size_t layer = 0;
  for (size_t h = 0; h < history.size(); ++h) {
    history[h].layer = -1;
    if (history[h].empty_layer || layer >= layer_count) continue;
    history[h].layer = static_cast<int>(layer);
    out[layer++] = static_cast<int>(h);
  }
  return out;
}

}  // namespace layerscope

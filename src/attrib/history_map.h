// Config history -> layers. Entries marked `empty_layer` (ENV, LABEL, CMD…) made no layer;
// every other entry made the next layer, in order. A layer without an entry is "(missing)"
// — some builders write no history at all.
#pragma once

#include <vector>

#include "layerscope/image.h"

namespace layerscope {

// Fills HistoryEntry::layer and returns, per layer, the index of its history entry (-1 none).
std::vector<int> map_history_to_layers(std::vector<HistoryEntry>& history, size_t layer_count);

}  // namespace layerscope

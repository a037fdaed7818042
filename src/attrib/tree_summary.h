// Facts about the final tree: totals by kind and the largest files and directories.
// Directory sizes are the regular-file bytes of their whole subtree, so a parent is always
// at least the sum of its children (hardlinks count 0, as in the layer totals).
#pragma once

#include <vector>

#include "layerscope/analysis.h"

namespace layerscope {

void summarize_tree(const std::vector<LayerIndex>& indexes, const MergedTree& tree, size_t top_n, Totals& totals,
                    std::vector<PathBytes>& largest_dirs, std::vector<PathBytes>& largest_files);

}  // namespace layerscope

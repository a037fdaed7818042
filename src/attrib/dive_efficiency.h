// dive-compatible efficiency figures (../shared/DIVE-COMPAT.md) and layerscope's own
// `reclaimable_bytes`, computed from the per-layer indexes and the merge result.
#pragma once

#include <cstdint>
#include <vector>

#include "layerscope/analysis.h"

namespace layerscope {

// dive's score, wasted bytes, user wasted percent, layer/image/user sizes and inefficient
// paths, exactly as dive 0.13.1 computes them, except that a whiteout whose target is
// missing counts 0 and the walk carries on (dive stops visiting that layer); each such
// whiteout adds a Diagnostic to `diagnostics`. `reclaimable_bytes` is left at 0.
Efficiency dive_efficiency(const std::vector<const LayerIndex*>& layers);

// Σ size of the regular-file entries the final image does not show: every entry hidden by
// a later layer (deleted, overwritten, metadata-only rewrites included, replaced) or by a
// later duplicate in its own layer. Each hidden entry appears once in `shadows`, so each
// byte counts once.
uint64_t reclaimable_bytes(const std::vector<const LayerIndex*>& layers, const std::vector<Shadow>& shadows);

// Both of the above: the `efficiency` of an Analysis.
Efficiency compute_efficiency(const std::vector<const LayerIndex*>& layers, const MergeResult& merged);

}  // namespace layerscope

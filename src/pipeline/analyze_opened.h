// analyze() after the input is open: what tests and other front ends (the registry, diff)
// call when they already hold a store and a resolved image.
#pragma once

#include "layerscope/analysis.h"
#include "pipeline/layer_jobs.h"
#include "source/open_image.h"

namespace layerscope {

Analysis analyze_opened(OpenedImage& opened, const StreamedLayers& streamed, const AnalyzeOptions& options);

// What open_image needs for a compressed archive: indexes every blob-like member into
// `streamed` as it passes, with the indexing options analyze() uses.
MemberVisitor layer_visitor(StreamedLayers& streamed, const AnalyzeOptions& options);

}  // namespace layerscope

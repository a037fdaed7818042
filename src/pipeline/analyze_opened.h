// analyze() after the input is open: what tests and other front ends (the registry, diff)
// call when they already hold a store and a resolved image.
#pragma once

#include "layerscope/analysis.h"
#include "pipeline/layer_jobs.h"
#include "source/open_image.h"

namespace layerscope {

// The indexer settings an analysis implies, and the visitor that indexes the layers of a
// compressed archive while it streams by (such archives cannot be reopened per layer).
IndexOptions index_options(const AnalyzeOptions& options);
MemberVisitor streaming_visitor(StreamedLayers& streamed, const IndexOptions& options);

Analysis analyze_opened(OpenedImage& opened, const StreamedLayers& streamed, const AnalyzeOptions& options);

// What open_image needs for a compressed archive: indexes every blob-like member into
// `streamed` as it passes, with the indexing options analyze() uses.
MemberVisitor layer_visitor(StreamedLayers& streamed, const AnalyzeOptions& options);

}  // namespace layerscope

// diff_images() after both inputs are open: what tests call with in-memory stores.
#pragma once

#include "layerscope/diff.h"
#include "pipeline/layer_jobs.h"
#include "source/open_image.h"

namespace layerscope {

struct OpenedSide {
  OpenedImage* image;
  const StreamedLayers* streamed;
};

DiffRun diff_opened(OpenedSide old_side, OpenedSide new_side, const DiffRequest& request);

}  // namespace layerscope

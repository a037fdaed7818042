// Evaluates a Policy against an Analysis: one Check per configured limit, with the
// violations that explain a failure (the offending layers, paths and the fixes that would
// bring the image back under the limit, with their savings).
#pragma once

#include "layerscope/gate.h"

namespace layerscope {

GateResult evaluate_gate(const Analysis& analysis, const Policy& policy);

}  // namespace layerscope

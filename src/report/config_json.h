// The image config as a JSON object, shared by the analysis report (`image.config`) and
// `inspect` (which also names the platform), so a config field is added in one place.
#pragma once

#include <nlohmann/json.hpp>

#include "layerscope/image.h"

namespace layerscope {

// with_platform: lead with os / architecture / variant (inspect lists several platforms).
nlohmann::ordered_json image_config_json(const ImageConfig& c, bool with_platform);

}  // namespace layerscope

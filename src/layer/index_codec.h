// A compact binary form of LayerIndex for the on-disk layer cache. The encoding carries a
// format version and the tool version, and ends with an XXH3-64 of everything before it, so
// a truncated, corrupted or stale entry is recognised and ignored instead of trusted.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "layerscope/layer_index.h"

namespace layerscope {

std::string encode_layer_index(const LayerIndex& index, std::string_view key);

// nullopt when the bytes are not a complete, intact entry for `key` written by this version.
std::optional<LayerIndex> decode_layer_index(std::string_view bytes, std::string_view key);

}  // namespace layerscope

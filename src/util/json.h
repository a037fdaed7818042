// JSON from images is untrusted: it is size-capped by the reader and depth-capped here
// before nlohmann parses it (a recursive parser would otherwise overflow the stack on
// "[[[[…"). Errors name the document and the byte offset.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace layerscope {

inline constexpr size_t kMaxJsonDepth = 256;

// Throws Error(kFormat) naming `what` for invalid JSON, Error(kLimit) past kMaxJsonDepth.
nlohmann::ordered_json parse_json(std::string_view text, const std::string& what);

}  // namespace layerscope

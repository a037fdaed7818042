#include "util/json.h"

#include <nlohmann/json.hpp>

#include "layerscope/error.h"

namespace layerscope {

namespace {

void check_depth(std::string_view text, const std::string& what) {
  size_t depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        throw Error(ErrorKind::kLimit, what + ": JSON nests deeper than " + std::to_string(kMaxJsonDepth) +
                                           " levels at byte " + std::to_string(i));
      }
    } else if ((c == ']' || c == '}') && depth) {
      --depth;
    }
  }
}

}  // namespace

nlohmann::ordered_json parse_json(std::string_view text, const std::string& what) {
  check_depth(text, what);
  try {
    return nlohmann::ordered_json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {
    // Not only parse_error: a number that does not fit a double ("1e999") throws
    // out_of_range (406) from the parser, and it must become kFormat like any bad JSON
    // rather than escape as a foreign exception and terminate the process.
    std::string msg = e.what();
    // nlohmann's text reads "[json.exception.parse_error.101] parse error at line 1, column 5: …".
    auto pos = msg.find("] ");
    if (pos != std::string::npos) msg = msg.substr(pos + 2);
    if (msg.size() > 200) msg = msg.substr(0, 200) + "…";
    if (text.empty()) msg = "empty file";
    throw Error(ErrorKind::kFormat, what + ": invalid JSON: " + msg);
  }
}

}  // namespace layerscope

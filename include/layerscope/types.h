// Small value types shared by the whole library and its callers.
#pragma once

#include <cstdint>
#include <string>

namespace layerscope {

enum class Compression { kNone, kGzip, kZstd };

const char* compression_name(Compression c);  // "none" | "gzip" | "zstd"

// Odd but valid input (a whiteout of a missing path, a media type that disagrees with the
// bytes, an absolute tar path) is reported here rather than printed or thrown.
struct Diagnostic {
  std::string code;     // stable identifier, e.g. "whiteout-missing-target"
  std::string message;  // one human sentence
  int layer = -1;       // -1: not about one layer
  std::string path;     // "" when not about one path
};

}  // namespace layerscope

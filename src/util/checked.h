// Sizes read from untrusted headers go through these before any arithmetic or allocation.
#pragma once

#include <cstdint>
#include <string_view>

#include "layerscope/error.h"

namespace layerscope {

inline uint64_t checked_add(uint64_t a, uint64_t b, std::string_view what) {
  uint64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    throw Error(ErrorKind::kFormat, std::string(what) + ": size overflows 64 bits");
  }
  return r;
}

inline uint64_t round_up_512(uint64_t n, std::string_view what) {
  return checked_add(n, 511, what) & ~uint64_t{511};
}

}  // namespace layerscope

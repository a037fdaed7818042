// Helpers shared by the fuzz targets: splitting one fuzz input into named members, and
// telling expected failures (layerscope::Error: hostile input rejected with a message)
// from bugs (anything else escapes and aborts the fuzzer).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layerscope_fuzz {

// Members are separated by a line "\n@@NAME\n" (the first member's name may be given as
// the very first line "@@NAME\n"); unnamed members are called "m0", "m1", ….
inline std::vector<std::pair<std::string, std::string>> split_members(std::string_view in) {
  std::vector<std::pair<std::string, std::string>> out;
  std::string name;
  if (in.rfind("@@", 0) == 0) {
    size_t nl = in.find('\n');
    name = std::string(in.substr(2, nl == std::string_view::npos ? std::string_view::npos : nl - 2));
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  for (;;) {
    size_t sep = in.find("\n@@");
    std::string_view body = in.substr(0, sep);
    if (name.empty()) name = "m" + std::to_string(out.size());
    out.emplace_back(name, std::string(body));
    if (sep == std::string_view::npos) break;
    in = in.substr(sep + 3);
    size_t nl = in.find('\n');
    name = std::string(in.substr(0, nl));
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  }
  return out;
}

// A tiny deterministic PRNG (splitmix64) for read-chunk sizes and structure choices.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n == 0 ? 0 : next() % n; }
};

// Consumes bytes of the input one at a time (0 once exhausted), for structure-aware targets.
struct ByteReader {
  const uint8_t* p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::string bytes(size_t k) {
    k = k < n ? k : n;
    std::string s(reinterpret_cast<const char*>(p), k);
    p += k;
    n -= k;
    return s;
  }
};

}  // namespace layerscope_fuzz

// Byte sizes for people. Output uses SI units like `docker images` (1 MB = 1,000,000 bytes);
// input accepts both SI and IEC ("500MB", "500MiB", "0.5GB", "20Mb", "1,000kB"), with the
// unit letters case-insensitive as dive's CI file does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerscope {

// "1.2 MB", "999 B", "12.3 GB". Always SI, one decimal above 1 kB (three significant digits).
std::string human_bytes(uint64_t bytes);
std::string human_delta(int64_t bytes);  // "+1.2 MB", "-3.0 kB", "0 B"

// "1,234,567"
std::string group_thousands(uint64_t n);

// Parses a size; nullopt when it is not one. A bare number is bytes.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// Percent of a whole, for display: "12.3%".
std::string percent(uint64_t part, uint64_t whole);

}  // namespace layerscope

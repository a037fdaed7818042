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

// Parses a size; nullopt when it is not one. A bare number is bytes. Fractions round to the
// nearest byte; leading blanks are allowed. For layerscope's own budgets and limits.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// Parses a size exactly as dive's `.dive-ci` does (go-humanize ParseBytes), so a threshold
// means the same number of bytes in both tools: the leading run of digits, '.' and ','
// (commas dropped) is the number; the rest, blank-trimmed and case-insensitive, must be one of
// "" b k kb m mb g gb t tb p pb e eb (powers of 1000) or ki kib mi mib gi gib ti tib pi pib ei eib
// (powers of 1024); fractions truncate toward zero; 2^64 bytes or more is an error. On failure
// returns nullopt and, when `error` is given, go-humanize's message ("unhandled size name: bb").
std::optional<uint64_t> parse_dive_byte_size(std::string_view text, std::string* error = nullptr);

// Parses a float64 the way Go's strconv.ParseFloat(text, 64) does: optional sign, decimal or
// hexadecimal ("0x1p-2") mantissa, exponent, "inf"/"infinity"/"nan" in any case, no blanks.
// On failure returns nullopt and, when `error` is given, Go's message
// (`strconv.ParseFloat: parsing "x": invalid syntax`, `...: value out of range`).
std::optional<double> parse_go_float(std::string_view text, std::string* error = nullptr);

// Percent of a whole, for display: "12.3%".
std::string percent(uint64_t part, uint64_t whole);

}  // namespace layerscope

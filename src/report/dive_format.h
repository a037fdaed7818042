// Numbers printed the way dive (a Go program) prints them, so dive-compatible output reads
// the same: Go's `%v` and `%.Nf` for float64 (NaN, +Inf) and go-humanize's Bytes().
#pragma once

#include <cstdint>
#include <string>

namespace layerscope {

// Go's fmt "%v" for a float64 (strconv.FormatFloat(v, 'g', -1, 64)): the shortest digits that
// read back as the same value, in exponent form ("1e-05", "1.5e+06") when the decimal
// exponent is below -4 or at least 6; "NaN", "+Inf", "-Inf".
std::string go_float(double v);

// Go's fmt "%.{precision}f": "98.4421"; "NaN", "+Inf", "-Inf" for the non-finite values.
std::string go_fixed(double v, int precision);

// go-humanize Bytes(): SI units, "13 kB", "6.4 kB", "999 B" (one decimal below 10 units).
std::string go_humanize_bytes(uint64_t bytes);

}  // namespace layerscope

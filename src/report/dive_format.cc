// Go's float formatting and go-humanize's Bytes(), reimplemented from their documented rules
// (Go strconv.FormatFloat 'g' with shortest precision; fmt's handling of NaN/Inf; go-humanize
// humanateBytes with base 1000) so dive-compatible text matches dive character for character.
#include "report/dive_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace layerscope {

namespace {

std::string non_finite(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

}  // namespace

std::string go_float(double v) {
  if (!std::isfinite(v)) return non_finite(v);
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  // Shortest round-trip digits and the decimal exponent, from "d.ddde±XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(res.ptr - buf));
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits.push_back(c);
  }
  int exp = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());

  std::string out = negative ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out.push_back(digits[0]);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    char e[16];
    std::snprintf(e, sizeof e, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out.append(e);
    return out;
  }
  int dp = exp + 1;  // digits before the decimal point
  int nd = static_cast<int>(digits.size());
  if (dp <= 0) {
    out.append("0.").append(static_cast<size_t>(-dp), '0').append(digits);
  } else if (dp >= nd) {
    out.append(digits).append(static_cast<size_t>(dp - nd), '0');
  } else {
    out.append(digits, 0, static_cast<size_t>(dp)).append(".").append(digits, static_cast<size_t>(dp));
  }
  return out;
}

std::string go_fixed(double v, int precision) {
  if (!std::isfinite(v)) return non_finite(v);
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", precision, v);
  return buf;
}

std::string go_humanize_bytes(uint64_t bytes) {
  static const char* kSizes[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 10) return std::to_string(bytes) + " B";
  double s = static_cast<double>(bytes);
  double e = std::floor(std::log(s) / std::log(1000.0));
  double val = std::floor(s / std::pow(1000.0, e) * 10 + 0.5) / 10;
  char buf[64];
  std::snprintf(buf, sizeof buf, val < 10 ? "%.1f %s" : "%.0f %s", val, kSizes[static_cast<int>(e)]);
  return buf;
}

}  // namespace layerscope

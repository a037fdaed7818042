#include "util/units.h"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace layerscope {

std::string human_bytes(uint64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 999.95 && u < 6) {
    v /= 1000.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[u]);
  return buf;
}

std::string human_delta(int64_t bytes) {
  if (bytes == 0) return "0 B";
  uint64_t mag = bytes < 0 ? static_cast<uint64_t>(-(bytes + 1)) + 1 : static_cast<uint64_t>(bytes);
  return (bytes < 0 ? "-" : "+") + human_bytes(mag);
}

std::string group_thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count && count % 3 == 0) out.push_back(',');
    out.push_back(*it);
    ++count;
  }
  return std::string(out.rbegin(), out.rend());
}

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  std::string number;
  size_t i = 0;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  bool seen_digit = false;
  bool seen_dot = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      number.push_back(c);
      seen_digit = true;
    } else if (c == ',' && seen_digit && !seen_dot) {
      continue;
    } else if (c == '.' && !seen_dot) {
      number.push_back(c);
      seen_dot = true;
    } else {
      break;
    }
  }
  if (!seen_digit) return std::nullopt;
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  std::string unit;
  for (; i < text.size(); ++i) unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
  while (!unit.empty() && std::isspace(static_cast<unsigned char>(unit.back()))) unit.pop_back();

  static const char kPrefixes[] = "kmgtpe";
  double multiplier = 1;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else {
    auto p = std::string_view(kPrefixes).find(unit[0]);
    if (p == std::string_view::npos) return std::nullopt;
    std::string_view rest = std::string_view(unit).substr(1);
    double base;
    if (rest.empty() || rest == "b") {
      base = 1000;
    } else if (rest == "i" || rest == "ib") {
      base = 1024;
    } else {
      return std::nullopt;
    }
    multiplier = std::pow(base, static_cast<double>(p + 1));
  }
  double value = std::strtod(number.c_str(), nullptr);
  double bytes = value * multiplier;
  if (!std::isfinite(bytes) || bytes < 0 || bytes > 1.8e19) return std::nullopt;
  return static_cast<uint64_t>(bytes + 0.5);
}

std::string percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace layerscope

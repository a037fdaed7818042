#include "util/units.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

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

namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Go's strconv.Quote, enough for error messages: quotes, backslashes and control bytes escaped.
std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::optional<double> parse_go_float(std::string_view text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<double> {
    if (error) *error = "strconv.ParseFloat: parsing " + go_quote(text) + ": " + why;
    return std::nullopt;
  };
  std::string_view s = text;
  bool negative = false;
  bool signed_text = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    signed_text = true;
    s.remove_prefix(1);
  }
  std::string lower = lower_ascii(s);
  if (lower == "inf" || lower == "infinity") {
    return negative ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (lower == "nan" && !signed_text) return std::numeric_limits<double>::quiet_NaN();

  // Check Go's grammar first; from_chars alone would accept a prefix or "nan(...)".
  bool hex = s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  size_t i = hex ? 2 : 0;
  size_t digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (hex ? std::isxdigit(c) : std::isdigit(c)) {
      ++digits;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits == 0) return fail("invalid syntax");
  bool has_exponent = i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'));
  if (has_exponent) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    for (; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])); ++i) ++exp_digits;
    if (exp_digits == 0) return fail("invalid syntax");
  } else if (hex) {
    return fail("invalid syntax");  // Go: a hexadecimal mantissa requires a 'p' exponent
  }
  if (i != s.size()) return fail("invalid syntax");

  std::string_view body = hex ? s.substr(2) : s;
  double value = 0;
  auto res = std::from_chars(body.data(), body.data() + body.size(), value,
                             hex ? std::chars_format::hex : std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow is Go's "value out of range"; underflow is not an error in Go (it rounds to
    // zero or a subnormal), and strtod gives that same value.
    std::string copy(s);
    value = std::strtod(copy.c_str(), nullptr);
    if (std::isinf(value)) return fail("value out of range");
  } else if (res.ec != std::errc() || res.ptr != body.data() + body.size()) {
    return fail("invalid syntax");
  }
  return negative ? -value : value;
}

std::optional<uint64_t> parse_dive_byte_size(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<uint64_t> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  size_t last_digit = 0;
  std::string number;
  for (; last_digit < text.size(); ++last_digit) {
    char c = text[last_digit];
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      number.push_back(c);
    } else if (c != ',') {
      break;
    }
  }
  std::string float_error;
  std::optional<double> value = parse_go_float(number, &float_error);
  if (!value) return fail(float_error);

  std::string_view rest = text.substr(last_digit);
  while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
  while (!rest.empty() && is_blank(rest.back())) rest.remove_suffix(1);
  std::string unit = lower_ascii(rest);
  static const char kPrefixes[] = "kmgtpe";
  double multiplier = 0;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (auto p = std::string_view(kPrefixes).find(unit[0]); p != std::string_view::npos) {
    std::string_view tail = std::string_view(unit).substr(1);
    double base = tail.empty() || tail == "b" ? 1000 : (tail == "i" || tail == "ib") ? 1024 : 0;
    if (base != 0) multiplier = std::pow(base, static_cast<double>(p + 1));  // exact: powers of 2 and 10 below 2^64
  }
  if (multiplier == 0) return fail("unhandled size name: " + unit);
  double bytes = *value * multiplier;
  // go-humanize compares against float64(MaxUint64), i.e. 2^64, and truncates.
  if (bytes >= 18446744073709551616.0) return fail("too large: " + std::string(text));
  return static_cast<uint64_t>(bytes);
}

std::string percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace layerscope

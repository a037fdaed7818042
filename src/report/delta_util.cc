#include "report/delta_util.h"

#include <algorithm>
#include <cstdio>

#include "util/units.h"

namespace layerscope {

std::string percent_change(int64_t delta, uint64_t base) {
  if (base == 0) return delta == 0 ? "" : (delta > 0 ? "new" : "");
  return percent_text(static_cast<double>(delta) * 100.0 / static_cast<double>(base));
}

std::string percent_text(std::optional<double> percent) {
  if (!percent) return "n/a";
  char buf[32];
  double p = *percent;
  // Round first so "-0.04" reads "0.0%" rather than "-0.0%".
  if (p > -0.05 && p < 0.05) return "0.0%";
  std::snprintf(buf, sizeof buf, "%+.1f%%", p);
  return buf;
}

std::string signed_count(int64_t delta) {
  if (delta == 0) return "0";
  uint64_t mag = delta < 0 ? static_cast<uint64_t>(-(delta + 1)) + 1 : static_cast<uint64_t>(delta);
  std::string out(1, delta < 0 ? '-' : '+');
  return out + group_thousands(mag);
}

std::string short_path(std::string_view path, size_t components) {
  size_t slashes = 0;
  for (char c : path) slashes += c == '/';
  if (slashes <= components) return std::string(path);  // already short: keep it absolute
  size_t pos = path.size();
  for (size_t k = 0; k < components; ++k) {
    size_t slash = path.rfind('/', pos == 0 ? 0 : pos - 1);
    if (slash == std::string_view::npos || slash == 0) return std::string(path.substr(path.empty() || path[0] != '/' ? 0 : 1));
    pos = slash;
  }
  return std::string(path.substr(pos + 1));
}

std::string trim_line_ends(std::string text) {
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    size_t end = nl == std::string::npos ? text.size() : nl;
    size_t last = end;
    while (last > start && text[last - 1] == ' ') --last;
    out.append(text, start, last - start);
    if (nl == std::string::npos) break;
    out += '\n';
    start = nl + 1;
  }
  return out;
}

std::string md_cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string md_code(std::string_view text) {
  if (text.empty()) return "(none)";
  std::string flat;
  for (char c : text) flat += (c == '\n' || c == '\r') ? ' ' : c;
  size_t longest = 0, run = 0;
  for (char c : flat) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  bool pad = !flat.empty() && (flat.front() == '`' || flat.back() == '`');
  return fence + (pad ? " " : "") + md_cell(flat) + (pad ? " " : "") + fence;
}

}  // namespace layerscope

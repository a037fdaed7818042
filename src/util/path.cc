#include "util/path.h"

#include <cstdint>

namespace layerscope {

CleanPath clean_entry_path(std::string_view name) {
  CleanPath out;
  out.was_absolute = !name.empty() && name.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string_view::npos) j = name.size();
    std::string_view part = name.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (parts.empty()) {
        out.escaped = true;
      } else {
        parts.pop_back();
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  size_t total = 0;
  for (auto p : parts) total += p.size() + 1;
  out.path.reserve(total);
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out.path.push_back('/');
    out.path.append(parts[k]);
  }
  return out;
}

void split_path(std::string_view path, std::vector<std::string_view>& parts) {
  parts.clear();
  std::string_view part;
  while (next_component(path, part)) parts.push_back(part);
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  split_path(path, parts);
  return parts;
}

std::string_view base_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view dir_name(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

std::string resolve_relative(std::string_view link_dir, std::string_view target) {
  if (!target.empty() && target.front() == '/') return clean_entry_path(target).path;
  std::string joined(link_dir);
  if (!joined.empty()) joined.push_back('/');
  joined.append(target);
  return clean_entry_path(joined).path;
}

bool is_valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return false;
    if (i + n >= s.size()) return false;  // continuation bytes run past the end
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace layerscope

#include "report/text_util.h"

namespace layerscope {

size_t display_width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string fit(std::string_view s, size_t max_chars) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    bool lead = (c & 0xC0) != 0x80;
    if (lead) {
      if (chars + 1 > max_chars) {
        // Replace the last character with the ellipsis.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty()) out.pop_back();
        out += "…";
        return out;
      }
      ++chars;
    }
    out.push_back(c == '\n' || c == '\t' || c == '\r' ? ' ' : static_cast<char>(c));
  }
  return out;
}

std::string pad_right(std::string_view s, size_t width) {
  std::string out(s);
  for (size_t w = display_width(s); w < width; ++w) out.push_back(' ');
  return out;
}

std::string pad_left(std::string_view s, size_t width) {
  std::string out;
  for (size_t w = display_width(s); w < width; ++w) out.push_back(' ');
  return out + std::string(s);
}

}  // namespace layerscope

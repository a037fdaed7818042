// Small helpers shared by the text renderers.
#pragma once

#include <string>
#include <string_view>

namespace layerscope {

// Cuts to at most `max_chars` code points, marking the cut with "…"; newlines become spaces.
std::string fit(std::string_view s, size_t max_chars);

// Code points in a UTF-8 string (display width for the text we print).
size_t display_width(std::string_view s);

// Left/right pad to a display width.
std::string pad_right(std::string_view s, size_t width);
std::string pad_left(std::string_view s, size_t width);

}  // namespace layerscope

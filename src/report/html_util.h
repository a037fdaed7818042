// Pieces of the HTML report (html_report.cc): escaping of image text, byte cells, bars, the
// style sheet, and the bounded tree of the final filesystem (html_tree.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "layerscope/report.h"

namespace layerscope {

// Text for element content or a quoted attribute: & < > " ' become references, invalid UTF-8
// becomes U+FFFD and control characters other than TAB/LF/CR are dropped (gate_util's
// xml_escape), so hostile file names can neither close an element nor break the encoding.
std::string html_escape(std::string_view s);

// "<span class="b" data-bytes="1234567" title="1,234,567 bytes">1.2 MB</span>"
std::string html_bytes(uint64_t bytes);

// A horizontal bar whose width is part/whole of its cell (CSS only).
std::string html_bar(uint64_t part, uint64_t whole);

// The page's inline style sheet (no fonts, images or URLs).
const char* html_style();

// <section id="tree">: nested <details> per directory, children largest first (ties by name),
// at most options.max_children per directory and options.max_nodes in all, and a note when
// either cap cut something.
void html_tree(std::string& out, const Analysis& a, const HtmlOptions& options);

}  // namespace layerscope

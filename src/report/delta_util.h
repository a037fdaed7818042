// Small helpers shared by the diff and trend renderers: signed sizes, percentages and short
// paths, formatted the same way everywhere.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layerscope {

// "+12.3%", "-0.4%", "0.0%"; "new" when growing from 0; "" when both are 0.
std::string percent_change(int64_t delta, uint64_t base);
std::string percent_text(std::optional<double> percent);  // "+12.3%", "n/a" for nullopt

// "+1,234" / "-12" / "0".
std::string signed_count(int64_t delta);

// The last `components` components of an absolute path, for prose ("site-packages/torch");
// a path with no more components than that is returned whole ("/tmp").
std::string short_path(std::string_view path, size_t components = 2);

// Removes spaces at the end of every line (padded columns leave them).
std::string trim_line_ends(std::string text);

// Markdown table cell: pipes escaped, newlines flattened.
std::string md_cell(std::string_view text);

// Inline code in Markdown: backticks chosen so the text cannot close the span.
std::string md_code(std::string_view text);

}  // namespace layerscope

// Tar entry names are untrusted: "./a//b/../c", "/etc/passwd", "../../escape". Every name is
// cleaned the way Go's path.Clean does (the reference for docker and dive), rooted at the
// image root and never above it, before it touches the tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace layerscope {

struct CleanPath {
  std::string path;         // "" is the root; otherwise "a/b/c", no leading or trailing '/'
  bool escaped = false;     // a ".." tried to climb above the root (hostile or sloppy)
  bool was_absolute = false;
};

CleanPath clean_entry_path(std::string_view name);

// "a/b/c" -> {"a", "b", "c"}; "" -> {}.
std::vector<std::string_view> split_path(std::string_view path);
// The same into `parts` (cleared first): hot loops over every entry reuse one vector instead
// of allocating one per path.
void split_path(std::string_view path, std::vector<std::string_view>& parts);

// Takes the next component off the front of `rest` ("a/b" -> part "a", rest "b"); false when
// none is left. Walks a path without allocating.
inline bool next_component(std::string_view& rest, std::string_view& part) {
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (rest.empty()) return false;
  size_t slash = rest.find('/');
  part = rest.substr(0, slash);
  rest.remove_prefix(slash == std::string_view::npos ? rest.size() : slash + 1);
  return true;
}

std::string_view base_name(std::string_view path);
std::string_view dir_name(std::string_view path);  // "" for top-level names

// Joins a directory-relative link target onto the link's directory and cleans the result
// ("a/b" + "../c" -> "a/c"). Used to resolve layer.tar symlinks inside archives.
std::string resolve_relative(std::string_view link_dir, std::string_view target);

// True when the bytes are valid UTF-8.
bool is_valid_utf8(std::string_view s);

}  // namespace layerscope

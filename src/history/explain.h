// Turning a set of directory deltas into the few directories a person should look at: the
// "mostly site-packages/torch" of a growth report. Shared by diff (per layer and for the
// final tree) and trend (per event).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/diff.h"

namespace layerscope {

// Adds `bytes` to every ancestor directory of `file_path` (relative, "a/b/c" adds to "/a" and
// "/a/b"; the root is not listed). Keys are absolute paths.
void add_to_dirs(std::map<std::string, uint64_t>& dirs, std::string_view file_path, uint64_t bytes);

// Every directory whose size differs between `old_dirs` and `new_dirs` (missing = 0).
std::vector<PathDelta> dir_deltas(const std::map<std::string, uint64_t>& old_dirs,
                                  const std::map<std::string, uint64_t>& new_dirs);

// From nested directory deltas, the ones that explain `total` (the change to explain):
//   * candidates change in the same direction as `total` by at least 10% of it;
//   * a candidate is dropped when a candidate below it carries at least half of its change
//     (so "/usr" gives way to "/usr/lib/python3/site-packages/torch" when torch is the story);
//   * the rest come largest first, then by path, at most `max_dirs`.
std::vector<PathDelta> explaining_dirs(const std::vector<PathDelta>& deltas, int64_t total, size_t max_dirs = 3);

}  // namespace layerscope

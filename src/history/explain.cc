#include "history/explain.h"
#include "util/text.h"

#include <algorithm>

namespace layerscope {

namespace {

bool is_below(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

// Path order in which a directory's descendants follow it directly: '/' sorts before every
// other byte ("/a", "/a/x", "/a-b" rather than "/a", "/a-b", "/a/x").
bool tree_order(const std::string& x, const std::string& y) {
  size_t n = std::min(x.size(), y.size());
  for (size_t i = 0; i < n; ++i) {
    if (x[i] == y[i]) continue;
    if (x[i] == '/') return true;
    if (y[i] == '/') return false;
    return static_cast<unsigned char>(x[i]) < static_cast<unsigned char>(y[i]);
  }
  return x.size() < y.size();
}

}  // namespace

void add_to_dirs(std::map<std::string, uint64_t>& dirs, std::string_view file_path, uint64_t bytes) {
  size_t pos = 0;
  while (true) {
    size_t slash = file_path.find('/', pos);
    if (slash == std::string_view::npos) return;
    std::string dir(1, '/');
    dir.append(file_path.substr(0, slash));
    dirs[dir] += bytes;
    pos = slash + 1;
  }
}

std::vector<PathDelta> dir_deltas(const std::map<std::string, uint64_t>& old_dirs,
                                  const std::map<std::string, uint64_t>& new_dirs) {
  std::vector<PathDelta> out;
  auto a = old_dirs.begin();
  auto b = new_dirs.begin();
  while (a != old_dirs.end() || b != new_dirs.end()) {
    PathDelta d;
    if (b == new_dirs.end() || (a != old_dirs.end() && a->first < b->first)) {
      d = {a->first, a->second, 0, 0};
      ++a;
    } else if (a == old_dirs.end() || b->first < a->first) {
      d = {b->first, 0, b->second, 0};
      ++b;
    } else {
      d = {a->first, a->second, b->second, 0};
      ++a;
      ++b;
    }
    d.delta = static_cast<int64_t>(d.new_bytes) - static_cast<int64_t>(d.old_bytes);
    if (d.delta != 0) out.push_back(std::move(d));
  }
  return out;
}

std::vector<PathDelta> explaining_dirs(const std::vector<PathDelta>& deltas, int64_t total, size_t max_dirs) {
  if (total == 0) return {};
  const uint64_t need = (magnitude(total) + 9) / 10;  // at least 10% of the change
  std::vector<PathDelta> candidates;
  for (const auto& d : deltas) {
    if (d.path.empty() || d.path == "/") continue;
    if ((d.delta > 0) != (total > 0) || d.delta == 0) continue;
    if (magnitude(d.delta) < need) continue;
    candidates.push_back(d);
  }
  std::sort(candidates.begin(), candidates.end(),
            [](const PathDelta& x, const PathDelta& y) { return tree_order(x.path, y.path); });
  std::vector<PathDelta> kept;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const PathDelta& c = candidates[i];
    bool explained_below = false;
    for (size_t k = i + 1; k < candidates.size() && is_below(candidates[k].path, c.path); ++k) {
      if (2 * magnitude(candidates[k].delta) >= magnitude(c.delta)) {
        explained_below = true;
        break;
      }
    }
    if (!explained_below) kept.push_back(c);
  }
  std::sort(kept.begin(), kept.end(), [](const PathDelta& x, const PathDelta& y) {
    if (magnitude(x.delta) != magnitude(y.delta)) return magnitude(x.delta) > magnitude(y.delta);
    return x.path < y.path;
  });
  if (kept.size() > max_dirs) kept.resize(max_dirs);
  return kept;
}

}  // namespace layerscope

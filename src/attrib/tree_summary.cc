#include "attrib/tree_summary.h"

#include <algorithm>

namespace layerscope {

namespace {

constexpr int kMaxListedDirDepth = 4;
constexpr uint64_t kPassThroughPercent = 95;

struct Walker {
  const std::vector<LayerIndex>& indexes;
  Totals& totals;
  std::vector<PathBytes> dirs;
  std::vector<std::pair<uint64_t, const TreeNode*>> files;  // paths built only for the top N

  struct Sums {
    uint64_t bytes = 0, files = 0, compressed = 0;
  };

  Sums walk(const TreeNode& node, const std::string& path, int depth) {
    uint64_t bytes = 0, count = 0, compressed = 0, largest_child_dir = 0;
    for (const auto& [name, child] : node.children) {
      switch (child->kind) {
        case EntryKind::kFile: {
          const LayerEntry& e = indexes[child->layer].entries[child->entry];
          uint64_t size = e.size;
          compressed += e.compressed_est;
          bytes += size;
          ++count;
          ++totals.files;
          totals.final_bytes += size;
          files.emplace_back(size, child.get());
          break;
        }
        case EntryKind::kDir: {
          ++totals.dirs;
          Sums sub = walk(*child, path + "/" + std::string(name), depth + 1);
          largest_child_dir = std::max(largest_child_dir, sub.bytes);
          bytes += sub.bytes;
          count += sub.files;
          compressed += sub.compressed;
          break;
        }
        case EntryKind::kSymlink: ++totals.symlinks; break;
        case EntryKind::kHardlink: ++totals.hardlinks; break;
        default: ++totals.other; break;
      }
    }
    // A directory that is almost all one subdirectory (/root -> /root/.cache -> pip) would
    // repeat the same bytes down the chain; list only where the bytes actually spread out.
    bool pass_through = depth < kMaxListedDirDepth && bytes > 0 && largest_child_dir * 100 >= bytes * kPassThroughPercent;
    if (depth >= 1 && depth <= kMaxListedDirDepth && !pass_through) {
      dirs.push_back({path, bytes, compressed, count, node.layer});
    }
    return {bytes, count, compressed};
  }
};

void keep_top(std::vector<PathBytes>& v, size_t n) {
  auto by_size = [](const PathBytes& a, const PathBytes& b) {
    return a.bytes != b.bytes ? a.bytes > b.bytes : a.path < b.path;
  };
  if (v.size() > n) {
    std::partial_sort(v.begin(), v.begin() + static_cast<long>(n), v.end(), by_size);
    v.resize(n);
  } else {
    std::sort(v.begin(), v.end(), by_size);
  }
}

}  // namespace

void summarize_tree(const std::vector<LayerIndex>& indexes, const MergedTree& tree, size_t top_n, Totals& totals,
                    std::vector<PathBytes>& largest_dirs, std::vector<PathBytes>& largest_files) {
  Walker w{indexes, totals, {}, {}};
  w.walk(tree.root(), "", 0);
  keep_top(w.dirs, top_n);
  largest_dirs = std::move(w.dirs);
  // Largest first; equal sizes keep the tree's (sorted) walk order, so the cut is stable.
  auto by_size = [](const auto& a, const auto& b) { return a.first > b.first; };
  std::stable_sort(w.files.begin(), w.files.end(), by_size);
  size_t cut = std::min(top_n, w.files.size());
  std::vector<PathBytes> top;
  for (size_t i = 0; i < cut; ++i) {
    const TreeNode* n = w.files[i].second;
    top.push_back({"/" + n->path(), w.files[i].first, indexes[n->layer].entries[n->entry].compressed_est, 1, n->layer});
  }
  keep_top(top, top_n);
  largest_files = std::move(top);
}

}  // namespace layerscope

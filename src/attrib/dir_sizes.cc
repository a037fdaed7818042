#include "attrib/dir_sizes.h"

#include <algorithm>
#include <map>
#include <memory>

#include "util/path.h"

namespace layerscope {

namespace {

// Built with a map for lookups by name, then frozen into DirSize (a vector, by name).
struct Builder {
  uint64_t own_bytes = 0, own_files = 0;
  std::map<std::string, std::unique_ptr<Builder>, std::less<>> children;

  Builder& child(std::string_view name) {
    auto it = children.find(name);
    if (it == children.end()) it = children.emplace(std::string(name), std::make_unique<Builder>()).first;
    return *it->second;
  }
};

DirSize freeze(const Builder& b, std::string name) {
  DirSize d;
  d.name = std::move(name);
  d.own_bytes = d.bytes = b.own_bytes;
  d.own_files = d.files = b.own_files;
  d.children.reserve(b.children.size());
  for (const auto& [n, c] : b.children) {
    d.children.push_back(freeze(*c, n));
    d.bytes += d.children.back().bytes;
    d.files += d.children.back().files;
  }
  return d;
}

void copy_final(const std::vector<LayerIndex>& indexes, const TreeNode& node, Builder& out) {
  for (const auto& [name, child] : node.children) {
    if (child->kind == EntryKind::kDir) {
      copy_final(indexes, *child, out.child(name));
    } else if (child->kind == EntryKind::kFile && child->entry >= 0) {
      out.own_bytes += indexes[child->layer].entries[child->entry].size;
      ++out.own_files;
    }
  }
}

void add_rows(const DirSize& d, const std::string& path, int depth, int max_depth, bool by_size,
              std::vector<DirRow>& out) {
  out.push_back({path, depth, d.bytes, d.files, d.own_bytes, d.own_files});
  if (max_depth > 0 && depth >= max_depth) return;
  std::vector<const DirSize*> kids;
  for (const auto& c : d.children) kids.push_back(&c);
  if (by_size) {
    std::stable_sort(kids.begin(), kids.end(), [](const DirSize* a, const DirSize* b) { return a->bytes > b->bytes; });
  }
  for (const DirSize* c : kids) add_rows(*c, (path == "/" ? "/" : path + "/") + c->name, depth + 1, max_depth, by_size, out);
}

}  // namespace

const DirSize* DirSize::find(std::string_view path) const {
  const DirSize* d = this;
  // Keep the cleaned path alive: split_path returns views into it.
  const std::string cleaned = clean_entry_path(path).path;
  for (auto part : split_path(cleaned)) {
    auto it = std::lower_bound(d->children.begin(), d->children.end(), part,
                               [](const DirSize& c, std::string_view n) { return c.name < n; });
    if (it == d->children.end() || it->name != part) return nullptr;
    d = &*it;
  }
  return d;
}

DirSize final_dir_sizes(const std::vector<LayerIndex>& indexes, const MergedTree& tree) {
  Builder root;
  copy_final(indexes, tree.root(), root);
  return freeze(root, "");
}

DirSize layer_dir_sizes(const LayerIndex& layer) {
  Builder root;
  std::vector<std::string_view> parts;
  for (const auto& e : layer.entries) {
    if (e.is_marker()) continue;
    if (e.kind != EntryKind::kDir && e.kind != EntryKind::kFile) continue;
    Builder* dir = &root;
    split_path(e.path, parts);
    // A file with an empty cleaned name ("/" written as a file) still counts, at the root.
    size_t dirs = e.kind == EntryKind::kDir || parts.empty() ? parts.size() : parts.size() - 1;
    for (size_t i = 0; i < dirs; ++i) dir = &dir->child(parts[i]);
    if (e.is_file()) {
      dir->own_bytes += e.size;
      ++dir->own_files;
    }
  }
  return freeze(root, "");
}

std::vector<DirRow> dir_rows(const DirSize& start, std::string_view start_path, int max_depth, bool by_size) {
  std::string clean = clean_entry_path(start_path).path;
  std::vector<DirRow> out;
  add_rows(start, "/" + clean, 0, max_depth, by_size, out);
  return out;
}

}  // namespace layerscope

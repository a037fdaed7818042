// `layerscope tree`: the final filesystem, or one layer's own changes, as an indented tree
// with subtree sizes. In the final tree each node is marked with the layer that last wrote
// it, "A" when that layer created the path and "M" when it replaced an older version. In a
// layer view, entries are marked A (added), M (modified) or D (deleted by this layer's
// whiteouts, shown with the bytes that disappeared from view).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

#include "layerscope/error.h"
#include "layerscope/report.h"
#include "report/text_util.h"
#include "util/path.h"
#include "util/units.h"

namespace layerscope {

namespace {

struct ViewNode {
  std::string name;
  EntryKind kind = EntryKind::kDir;
  uint64_t bytes = 0;     // subtree regular-file bytes (for D entries: bytes removed)
  uint64_t files = 0;
  std::string mark;       // "A", "M", "D", ""
  int layer = -1;
  std::string link;
  std::map<std::string, std::unique_ptr<ViewNode>, std::less<>> children;
};

ViewNode* child_of(ViewNode& parent, std::string_view name) {
  auto it = parent.children.find(name);
  if (it != parent.children.end()) return it->second.get();
  auto node = std::make_unique<ViewNode>();
  node->name = std::string(name);
  ViewNode* raw = node.get();
  parent.children.emplace(raw->name, std::move(node));
  return raw;
}

ViewNode* insert(ViewNode& root, std::string_view path) {
  ViewNode* n = &root;
  for (auto part : split_path(path)) n = child_of(*n, part);
  return n;
}

void copy_final(const Analysis& a, const TreeNode& src, ViewNode& dst) {
  for (const auto& [name, child] : src.children) {
    ViewNode* v = child_of(dst, name);
    v->kind = child->kind;
    v->layer = child->layer;
    if (child->entry >= 0) {
      const LayerEntry& e = a.indexes[child->layer].entries[child->entry];
      if (e.is_file()) {
        v->bytes = e.size;
        v->files = 1;
      }
      v->link = e.link;
      v->mark = child->first_layer < child->layer ? "M" : "A";
    }
    if (child->kind == EntryKind::kDir) copy_final(a, *child, *v);
  }
}

void build_layer(const Analysis& a, int layer, ViewNode& root) {
  const LayerIndex& idx = a.indexes[layer];
  const LayerChanges& ch = a.merged.layers[layer];
  for (size_t i = 0; i < idx.entries.size(); ++i) {
    const LayerEntry& e = idx.entries[i];
    if (e.is_marker()) continue;
    ViewNode* v = insert(root, e.path);
    v->kind = e.kind;
    v->layer = layer;
    v->link = e.link;
    if (e.is_file()) {
      v->bytes = e.size;
      v->files = 1;
      v->mark = ch.file_status[i] == FileStatus::kModified ? "M" : "A";
    }
  }
  for (const auto& s : a.merged.shadows) {
    if (s.by_layer != layer || s.reason != ShadowReason::kDeleted) continue;
    const LayerEntry& gone = a.indexes[s.layer].entries[s.entry];
    ViewNode* v = insert(root, gone.path);
    if (!v->mark.empty()) continue;  // re-created in this layer: already listed
    v->kind = gone.kind;
    v->mark = "D";
    v->layer = static_cast<int>(s.layer);
    if (gone.is_file()) v->bytes = gone.size;
  }
}

// Subtree totals; deleted entries do not add to the bytes a layer contributes.
void total(ViewNode& n) {
  for (auto& [name, c] : n.children) {
    total(*c);
    if (c->mark != "D") {
      n.bytes += c->bytes;
      n.files += c->files;
    }
  }
}

struct Printer {
  const TreeOptions& opt;
  bool layer_view;
  std::string out;

  void print(const ViewNode& n, const std::string& prefix, int depth) {
    if (opt.depth > 0 && depth >= opt.depth) return;
    std::vector<const ViewNode*> kids;
    for (const auto& [name, c] : n.children) kids.push_back(c.get());
    if (opt.sort_by_size) {
      std::stable_sort(kids.begin(), kids.end(), [](const ViewNode* x, const ViewNode* y) { return x->bytes > y->bytes; });
    }
    size_t shown = kids.size();
    if (opt.max_children && shown > opt.max_children) shown = opt.max_children;
    for (size_t i = 0; i < shown; ++i) {
      const ViewNode* c = kids[i];
      bool last = i + 1 == kids.size();
      line(*c, prefix + (last ? "└── " : "├── "));
      if (c->kind == EntryKind::kDir) print(*c, prefix + (last ? "    " : "│   "), depth + 1);
    }
    if (shown < kids.size()) {
      uint64_t rest = 0;
      for (size_t i = shown; i < kids.size(); ++i) rest += kids[i]->bytes;
      out += fmt::format("{:>10}  {:<6} {}└── … {} more entries\n", human_bytes(rest), "", prefix, kids.size() - shown);
    }
  }

  void line(const ViewNode& n, const std::string& branch) {
    std::string name = n.name;
    if (n.kind == EntryKind::kDir) name += "/";
    if (n.kind == EntryKind::kSymlink) name += " -> " + n.link;
    if (n.kind == EntryKind::kHardlink) name += " => /" + n.link;
    std::string size = n.mark == "D" ? "-" + human_bytes(n.bytes) : human_bytes(n.bytes);
    if (n.kind != EntryKind::kDir && n.kind != EntryKind::kFile) size = "";
    std::string tag = n.mark.empty() ? "" : n.mark + (layer_view || n.layer < 0 ? "" : std::to_string(n.layer));
    out += fmt::format("{:>10}  {:<6} {}{}\n", size, tag, branch, fit(name, 160));
  }
};

}  // namespace

std::string render_tree(const Analysis& a, const TreeOptions& options) {
  ViewNode root;
  bool layer_view = options.layer >= 0;
  if (layer_view) {
    if (options.layer >= static_cast<int>(a.indexes.size())) {
      throw Error(ErrorKind::kUsage, "--layer " + std::to_string(options.layer) + ": the image has " +
                                         std::to_string(a.indexes.size()) + " layers (0.." +
                                         std::to_string(a.indexes.size() - 1) + ")");
    }
    build_layer(a, options.layer, root);
  } else {
    copy_final(a, a.merged.tree.root(), root);
  }
  total(root);
  std::string start = clean_entry_path(options.path).path;
  const ViewNode* top = &root;
  for (auto part : split_path(start)) {
    auto it = top->children.find(part);
    if (it == top->children.end()) throw Error(ErrorKind::kUsage, "--path /" + start + ": no such path in this tree");
    top = it->second.get();
  }
  Printer p{options, layer_view, ""};
  std::string title = layer_view ? fmt::format("layer {}: {}", options.layer, a.layers[options.layer].instruction)
                                 : std::string("final filesystem");
  p.out += fmt::format("{:>10}  {:<6} /{}   ({}; {} files)\n", human_bytes(top->bytes), "", start, fit(title, 100),
                       group_thousands(top->files));
  p.print(*top, "", 0);
  if (!layer_view) p.out += "\nA<n>: created by layer n   M<n>: last replaced by layer n\n";
  else p.out += "\nA: added   M: modified (the path existed below)   D: deleted by this layer (bytes no longer visible)\n";
  return p.out;
}

}  // namespace layerscope

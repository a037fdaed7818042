#include "layerscope/merge.h"

#include <map>
#include <string>
#include <utility>

#include "util/path.h"

namespace layerscope {

const char* shadow_reason_name(ShadowReason r) {
  switch (r) {
    case ShadowReason::kOverwritten: return "overwritten";
    case ShadowReason::kDeleted: return "deleted";
    case ShadowReason::kReplaced: return "replaced";
    case ShadowReason::kDuplicate: return "duplicate";
  }
  return "?";
}

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";

class Merger {
 public:
  Merger(const std::vector<const LayerIndex*>& layers, MergeResult& out) : layers_(layers), out_(out) {}

  void run() {
    out_.layers.resize(layers_.size());
    for (size_t li = 0; li < layers_.size(); ++li) {
      classify(static_cast<int>(li));
      apply_markers(static_cast<int>(li));
      apply_entries(static_cast<int>(li));
      summarize_suppressed(static_cast<int>(li));
    }
  }

 private:
  const LayerEntry& entry_of(const TreeNode& n) const { return layers_[n.layer]->entries[n.entry]; }

  // A hostile layer can hold millions of duplicate entries or stray whiteouts: list the first
  // few of each kind per layer and count the rest, so the report stays readable and memory
  // does not grow with them.
  static constexpr int kDiagnosticsPerKind = 20;

  void diag(const char* code, std::string message, int layer, const std::string& path) {
    int& seen = diag_counts_[{layer, code}];
    if (++seen > kDiagnosticsPerKind) return;
    out_.diagnostics.push_back({code, std::move(message), layer, path});
  }

  void summarize_suppressed(int layer) {
    for (const auto& [key, seen] : diag_counts_) {
      if (key.first != layer || seen <= kDiagnosticsPerKind) continue;
      out_.diagnostics.push_back({key.second,
                                  std::to_string(seen - kDiagnosticsPerKind) + " more '" + key.second +
                                      "' diagnostics in this layer are not listed",
                                  layer, ""});
    }
  }

  std::map<std::pair<int, std::string>, int> diag_counts_;

  // Pass 0: added or modified, judged against the tree of the layers below.
  void classify(int li) {
    const auto& entries = layers_[li]->entries;
    LayerChanges& ch = out_.layers[li];
    ch.file_status.assign(entries.size(), FileStatus::kNone);
    for (size_t ei = 0; ei < entries.size(); ++ei) {
      const LayerEntry& e = entries[ei];
      if (!e.is_file()) continue;
      bool existed = out_.tree.find(e.path) != nullptr;
      ch.file_status[ei] = existed ? FileStatus::kModified : FileStatus::kAdded;
      ChangeCount& c = existed ? ch.modified : ch.added;
      ++c.files;
      c.bytes += e.size;
    }
  }

  // Records every entry-backed node of a subtree that stops being visible; counts the
  // regular files among them into `deleted` when given.
  void bury(const TreeNode& node, int by_layer, int by_entry, ShadowReason reason, ChangeCount* deleted) {
    if (node.entry >= 0 && node.kind != EntryKind::kDir) {
      out_.shadows.push_back({static_cast<uint32_t>(node.layer), static_cast<uint32_t>(node.entry), by_layer,
                              by_entry, reason});
      if (deleted && node.kind == EntryKind::kFile) {
        ++deleted->files;
        deleted->bytes += entry_of(node).size;
      }
    }
    for (const auto& [name, child] : node.children) bury(*child, by_layer, by_entry, reason, deleted);
  }

  // Pass 1: whiteouts and opaque markers, applied to the lower tree only.
  void apply_markers(int li) {
    const auto& entries = layers_[li]->entries;
    ChangeCount& deleted = out_.layers[li].deleted;
    for (size_t ei = 0; ei < entries.size(); ++ei) {
      const LayerEntry& e = entries[ei];
      int e_i = static_cast<int>(ei);
      if (e.kind == EntryKind::kOpaque) {
        TreeNode* dir = out_.tree.find(dir_name(e.path));
        if (!dir || dir->kind != EntryKind::kDir) continue;
        for (const auto& [name, child] : dir->children) bury(*child, li, e_i, ShadowReason::kDeleted, &deleted);
        dir->children.clear();
      } else if (e.kind == EntryKind::kWhiteout) {
        std::string_view base = base_name(e.path).substr(kWhiteoutPrefix.size());
        std::string_view parent = dir_name(e.path);
        std::string target = parent.empty() ? std::string(base) : std::string(parent) + "/" + std::string(base);
        TreeNode* node = base.empty() ? nullptr : out_.tree.find(target);
        if (!node) {
          diag("whiteout-missing-target", "whiteout for '/" + target + "', which no lower layer has", li, target);
          continue;
        }
        bury(*node, li, e_i, ShadowReason::kDeleted, &deleted);
        node->parent->children.erase(node->parent->children.find(node->name));
      }
    }
  }

  TreeNode* make_child(TreeNode& parent, std::string_view name) {
    auto node = std::make_unique<TreeNode>();
    node->name = std::string(name);
    node->parent = &parent;
    TreeNode* raw = node.get();
    parent.children.emplace(raw->name, std::move(node));
    return raw;
  }

  // Walks to the parent directory of an entry, creating missing directories. Tar streams list
  // a directory's entries together, so the last directory walked to is remembered: most
  // entries skip the walk. Anything that removes nodes from the tree forgets it.
  TreeNode& ensure_dir(std::string_view dir, int li, int ei) {
    if (last_dir_node_ && dir == last_dir_) return *last_dir_node_;
    TreeNode* node = &out_.tree.root();
    std::string_view rest = dir, part;
    while (next_component(rest, part)) {
      auto it = node->children.find(part);
      if (it == node->children.end()) {
        TreeNode* child = make_child(*node, part);
        child->implicit = true;
        child->layer = li;
        child->first_layer = li;
        node = child;
        continue;
      }
      TreeNode* child = it->second.get();
      if (child->kind != EntryKind::kDir) {
        std::string p = child->path();
        diag("parent-not-directory",
             "'/" + p + "' is a " + entry_kind_name(child->kind) + " in a lower layer but a later entry treats it as a directory",
             li, p);
        bury(*child, li, ei, ShadowReason::kReplaced, nullptr);
        child->kind = EntryKind::kDir;
        child->implicit = true;
        child->layer = li;
        child->entry = -1;
        child->children.clear();
        last_dir_node_ = nullptr;
      }
      node = child;
    }
    last_dir_ = dir;
    last_dir_node_ = node;
    return *node;
  }

  std::string_view last_dir_;  // a view into an entry's path; entries outlive the merge
  TreeNode* last_dir_node_ = nullptr;

  // Pass 2: everything but the markers, in tar order.
  void apply_entries(int li) {
    const auto& entries = layers_[li]->entries;
    // Why: a hardlink to nothing makes a runtime's layer extraction fail; the analysis goes
    // on (the link carries no bytes) but says so, once per layer so a hostile layer cannot
    // flood the report.
    uint64_t dangling_hardlinks = 0;
    std::string first_dangling;
    last_dir_node_ = nullptr;  // the markers pass may have removed it
    for (size_t ei = 0; ei < entries.size(); ++ei) {
      const LayerEntry& e = entries[ei];
      if (e.is_marker()) continue;
      int e_i = static_cast<int>(ei);
      if (e.kind == EntryKind::kHardlink) {
        const TreeNode* target = e.link.empty() ? nullptr : out_.tree.find(e.link);
        if ((!target || target->kind == EntryKind::kDir) && dangling_hardlinks++ == 0) first_dangling = e.path;
      }
      TreeNode& parent = ensure_dir(dir_name(e.path), li, e_i);
      std::string_view name = base_name(e.path);
      auto it = parent.children.find(name);
      TreeNode* node;
      if (it == parent.children.end()) {
        node = make_child(parent, name);
        node->first_layer = li;
      } else {
        node = it->second.get();
        bool same_layer = node->layer == li && node->entry >= 0;
        if (same_layer) {
          diag("duplicate-entry", "'/" + e.path + "' appears more than once in this layer; the last one wins", li, e.path);
        }
        bool both_dirs = node->kind == EntryKind::kDir && e.kind == EntryKind::kDir;
        if (!both_dirs) {
          ShadowReason reason = same_layer ? ShadowReason::kDuplicate
                                : (node->kind == EntryKind::kDir || e.kind == EntryKind::kDir) ? ShadowReason::kReplaced
                                                                                                 : ShadowReason::kOverwritten;
          bury(*node, li, e_i, reason, nullptr);
          node->children.clear();
          last_dir_node_ = nullptr;
        }
      }
      node->kind = e.kind;
      node->implicit = false;
      node->layer = li;
      node->entry = e_i;
    }
    if (dangling_hardlinks) {
      diag("hardlink-missing-target",
           std::to_string(dangling_hardlinks) + " hardlinks point at no earlier file (first: '/" + first_dangling +
               "'); a runtime would fail to extract this layer",
           li, first_dangling);
    }
  }

  const std::vector<const LayerIndex*>& layers_;
  MergeResult& out_;
};

}  // namespace

MergeResult merge_layers(const std::vector<const LayerIndex*>& layers) {
  MergeResult out;
  Merger(layers, out).run();
  return out;
}

}  // namespace layerscope

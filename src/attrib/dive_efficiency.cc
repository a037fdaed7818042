// dive's efficiency model, reproduced so a user can keep the thresholds their CI already
// gates on. What: each layer gets its own small tree built the way dive builds it (implicit
// parents, `.wh.NAME` kept as a node standing for NAME, opaque markers dropped); the leaves
// of each layer's tree are visited in dive's order and every visit adds the leaf's size to a
// per-path record {count, cumulative, min}; whiteout leaves are sized from the stack of the
// layers below. Score = Σmin ÷ Σcumulative, wasted = Σcumulative over paths seen twice or
// more, user wasted percent = wasted ÷ bytes of layers 1..n-1, all with dive's types (int64
// sums, float64 division, so 0/0 is NaN and x/0 is +Inf).
// Why a second tree model: dive's trees are not the OCI merge (it ignores opaque markers,
// lets an implicit parent overwrite a directory's info when stacking, and counts leaves, not
// files), and the numbers must be the same float, so the model is copied, not approximated.
// Spec: ../shared/DIVE-COMPAT.md, "Layer size", "Per-layer trees", "Efficiency walk". The one
// deliberate difference: a whiteout with nothing below counts 0 and the walk carries on (dive
// stops visiting the rest of that layer), recorded as a Diagnostic.
#include "attrib/dive_efficiency.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>

#include "util/content_hash.h"
#include "util/path.h"

namespace layerscope {

namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
// dive refuses to create a node whose name starts with this (its "double whiteout" prefix,
// which covers `.wh..wh..opq`); the parents created on the way stay.
constexpr std::string_view kDoubleWhiteoutPrefix = ".wh..wh..";

// Nodes live in their tree's arena and are never freed one by one: a tree is built, walked
// and dropped whole, and per-node heap allocations were most of this model's cost. Names view
// the layer entries' paths (which outlive the computation), so no name is copied either.
struct Node {
  explicit Node(std::pmr::memory_resource* arena) : children(arena) {}
  std::string_view name;
  Node* parent = nullptr;
  uint64_t size = 0;    // regular files only; everything else is 0, as dive's layer size counts
  bool is_dir = false;  // false for implicit parents: dive creates them with empty info
  std::pmr::map<std::string_view, Node*> children;  // byte order, as dive sorts

  bool is_whiteout() const { return name.starts_with(kWhiteoutPrefix); }
};

// One tree: its arena and its root. Erasing a child only unlinks it; the arena frees
// everything when the tree goes away.
class Tree {
 public:
  Tree() : root_(make()) { root_->is_dir = true; }
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  Node& root() { return *root_; }
  Node* make() { return new (arena_.allocate(sizeof(Node), alignof(Node))) Node(&arena_); }

 private:
  std::pmr::monotonic_buffer_resource arena_{1 << 20};
  Node* root_;
};

using Comps = std::vector<std::string_view>;

// dive's FileTree.AddPath: walk or create each component; the payload replaces the info of
// the last node and keeps its children.
void add_path(Tree& tree, const Comps& comps, uint64_t size, bool is_dir) {
  Node* node = &tree.root();
  for (size_t k = 0; k < comps.size(); ++k) {
    auto it = node->children.find(comps[k]);
    if (it != node->children.end()) {
      node = it->second;
    } else {
      if (comps[k].starts_with(kDoubleWhiteoutPrefix)) return;
      Node* child = tree.make();
      child->name = comps[k];
      child->parent = node;
      node->children.emplace(child->name, child);
      node = child;
    }
    if (k + 1 == comps.size()) {
      node->size = size;
      node->is_dir = is_dir;
    }
  }
}

Node* find_path(Node& root, const Comps& comps) {
  Node* node = &root;
  for (auto name : comps) {
    auto it = node->children.find(name);
    if (it == node->children.end()) return nullptr;
    node = it->second;
  }
  return node;
}

// Heap-allocated so the children's parent pointers stay valid when the tree is handed around.
std::unique_ptr<Tree> build_layer_tree(const LayerIndex& layer) {
  auto tree = std::make_unique<Tree>();
  Comps comps;
  for (const LayerEntry& e : layer.entries) {
    if (e.path.empty()) continue;
    split_path(e.path, comps);
    add_path(*tree, comps, e.kind == EntryKind::kFile ? e.size : 0, e.kind == EntryKind::kDir);
  }
  return tree;
}

// Depth-first, children before their parent, siblings in byte order; the root itself is never
// visited. `comps` holds the names from the root down to the visited node (untrimmed).
template <class Fn>
void visit_child_first(Node& node, Comps& comps, bool leaves_only, Fn& fn) {
  for (auto& [name, child] : node.children) {
    comps.push_back(child->name);
    visit_child_first(*child, comps, leaves_only, fn);
    comps.pop_back();
    if (!leaves_only || child->children.empty()) {
      comps.push_back(child->name);
      fn(*child, comps);
      comps.pop_back();
    }
  }
}

// The components dive looks a node up by: its own `.wh.` prefix dropped (the prefix is
// fictitious on the node itself), empty names dropped (a bare `.wh.` names its directory).
// Written into `out` (reused by the caller: this runs once per visited node).
const Comps& lookup_comps(const Node& node, const Comps& comps, Comps& out) {
  out.assign(comps.begin(), comps.end() - 1);
  std::string_view own = comps.back();
  if (node.is_whiteout()) own.remove_prefix(kWhiteoutPrefix.size());
  if (!own.empty()) out.push_back(own);
  return out;
}

// dive's FileNode.Path(): "/" + names joined by "/", the node's own `.wh.` prefix dropped.
// Written into `path` (reused by the caller).
void node_path(const Node& node, const Comps& comps, std::string& path) {
  path.clear();
  for (size_t k = 0; k < comps.size(); ++k) {
    std::string_view name = comps[k];
    if (k + 1 == comps.size() && node.is_whiteout()) name.remove_prefix(kWhiteoutPrefix.size());
    path += '/';
    path += name;
  }
  if (path.empty()) path.push_back('/');
}

uint64_t subtree_size(const Node& node) {
  uint64_t total = node.size;
  for (const auto& [name, child] : node.children) total += subtree_size(*child);
  return total;
}

// dive's FileTree.Stack: every node of the upper tree, children first; a whiteout removes
// what it stands for, anything else adds or replaces the node's info (an implicit node's
// empty info too), keeping children.
void stack_onto(Tree& stacked, Node& upper) {
  Comps comps, scratch;
  auto graft = [&stacked, &scratch](Node& node, const Comps& path) {
    const Comps& target = lookup_comps(node, path, scratch);
    if (node.is_whiteout()) {
      Node* found = find_path(stacked.root(), target);
      if (found && found->parent) found->parent->children.erase(found->name);
    } else {
      add_path(stacked, target, node.size, node.is_dir);
    }
  };
  visit_child_first(upper, comps, false, graft);
}

struct PathRecord {
  uint64_t count = 0;
  int64_t cumulative = 0;
  int64_t min = -1;   // dive's "minDiscoveredSize": -1 until the first visit
  std::string path;   // kept from the second visit on: only inefficient paths are listed
};

// Records are keyed by the XXH3-128 of the path rather than the path itself: one record per
// path seen in any layer is the largest structure here, and most paths are seen once, so
// their text need not be kept (a 128-bit collision is not a practical concern).
struct PathKeyHash {
  size_t operator()(const ContentHash& h) const { return static_cast<size_t>(h.low ^ (h.high * 0x9e3779b97f4a7c15ULL)); }
};

}  // namespace

Efficiency dive_efficiency(const std::vector<const LayerIndex*>& layers) {
  Efficiency eff;
  std::unordered_map<ContentHash, PathRecord, PathKeyHash> records;
  // The stack of layers 0..i-1. dive starts it from a copy of layer 0's tree and then stacks
  // layer 0 onto that copy again (StackTreeRange), so it is built from layer 0 once more below.
  std::unique_ptr<Tree> stacked;
  size_t entries = 0;
  for (const LayerIndex* layer : layers) entries += layer->entries.size();
  records.reserve(entries);

  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerIndex& layer = *layers[i];
    eff.layer_bytes.push_back(layer.content_bytes);
    std::unique_ptr<Tree> tree = build_layer_tree(layer);

    Comps comps, scratch;
    std::string path;
    auto visit = [&](Node& node, const Comps& path_comps) {
      node_path(node, path_comps, path);
      int64_t size = 0;
      if (node.is_whiteout()) {
        Node* target = stacked ? find_path(stacked->root(), lookup_comps(node, path_comps, scratch)) : nullptr;
        if (!target) {
          eff.diagnostics.push_back(
              {"dive-whiteout-missing-target",
               "whiteout for '" + path +
                   "' has nothing below it in dive's model: counted as 0 bytes (dive 0.13.1 stops walking this "
                   "layer here, so its figures differ)",
               static_cast<int>(i), path.substr(1)});
        } else if (target->is_dir) {
          size = static_cast<int64_t>(subtree_size(*target));
        }
      } else {
        size = static_cast<int64_t>(node.size);
      }
      PathRecord& rec = records[content_hash_of(path.data(), path.size())];
      rec.count += 1;
      if (rec.count == 2) rec.path = path;
      rec.cumulative += size;
      if (rec.min < 0 || size < rec.min) rec.min = size;
    };
    visit_child_first(tree->root(), comps, true, visit);

    // The stack is only read by the layers above: after the top layer it is not needed.
    if (i + 1 == layers.size()) break;
    if (!stacked) stacked = build_layer_tree(layer);
    stack_onto(*stacked, tree->root());
  }

  // dive sums into int64 and divides as float64; 1.0 when nothing was counted.
  int64_t sum_min = 0;
  int64_t sum_cumulative = 0;
  for (const auto& [key, rec] : records) {
    sum_min += rec.min;
    sum_cumulative += rec.cumulative;
    if (rec.count >= 2) {
      eff.inefficient_paths.push_back({rec.path, static_cast<uint64_t>(rec.cumulative), rec.count});
      eff.wasted_bytes += static_cast<uint64_t>(rec.cumulative);
    }
  }
  eff.score = sum_cumulative == 0 ? 1.0 : static_cast<double>(sum_min) / static_cast<double>(sum_cumulative);
  std::sort(eff.inefficient_paths.begin(), eff.inefficient_paths.end(),
            [](const InefficientPath& a, const InefficientPath& b) {
              if (a.cumulative_bytes != b.cumulative_bytes) return a.cumulative_bytes > b.cumulative_bytes;
              return a.path < b.path;  // std::string compares bytes as unsigned char
            });

  for (size_t i = 0; i < eff.layer_bytes.size(); ++i) {
    eff.image_bytes += eff.layer_bytes[i];
    if (i >= 1) eff.user_bytes += eff.layer_bytes[i];
  }
  // dive's float64(wasted) / float64(user) is IEEE division: 0/0 is NaN, x/0 is +Inf. Spelled
  // out so the result does not depend on floating-point trapping or sanitizer settings.
  if (eff.user_bytes == 0) {
    eff.user_wasted_percent =
        eff.wasted_bytes == 0 ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
  } else {
    eff.user_wasted_percent = static_cast<double>(eff.wasted_bytes) / static_cast<double>(eff.user_bytes);
  }
  return eff;
}

uint64_t reclaimable_bytes(const std::vector<const LayerIndex*>& layers, const std::vector<Shadow>& shadows) {
  uint64_t total = 0;
  for (const Shadow& s : shadows) {
    if (s.layer >= layers.size() || s.entry >= layers[s.layer]->entries.size()) continue;
    const LayerEntry& e = layers[s.layer]->entries[s.entry];
    // Same-layer duplicates (kDuplicate) count too: the earlier copy is shipped and never seen.
    if (e.kind == EntryKind::kFile) total += e.size;
  }
  return total;
}

Efficiency compute_efficiency(const std::vector<const LayerIndex*>& layers, const MergeResult& merged) {
  Efficiency eff = dive_efficiency(layers);
  eff.reclaimable_bytes = reclaimable_bytes(layers, merged.shadows);
  return eff;
}

}  // namespace layerscope

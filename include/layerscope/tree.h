// The merged filesystem of an image: layers applied in order, whiteouts included. Nodes refer
// back to the layer entry that defines them instead of copying its metadata.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/layer_index.h"

namespace layerscope {

struct TreeNode {
  std::string name;
  TreeNode* parent = nullptr;
  EntryKind kind = EntryKind::kDir;
  bool implicit = false;    // exists only as the parent of another path
  int32_t layer = -1;       // layer whose entry last defined this node (-1: the root)
  int32_t entry = -1;       // index into that layer's entries (-1: implicit or root)
  int32_t first_layer = -1; // layer since which the path has existed without interruption
  // Keyed by a view of the child's own `name` (the node is heap-allocated, so the view stays
  // valid): one copy of every name instead of two, which matters at millions of entries.
  std::map<std::string_view, std::unique_ptr<TreeNode>> children;

  std::string path() const;  // "a/b/c"; "" for the root
};

class MergedTree {
 public:
  MergedTree();
  TreeNode& root() { return *root_; }
  const TreeNode& root() const { return *root_; }
  const TreeNode* find(std::string_view path) const;
  TreeNode* find(std::string_view path);

 private:
  std::unique_ptr<TreeNode> root_;
};

}  // namespace layerscope

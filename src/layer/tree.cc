#include "layerscope/tree.h"

#include "util/path.h"

namespace layerscope {

std::string TreeNode::path() const {
  std::vector<const TreeNode*> chain;
  for (const TreeNode* n = this; n && n->parent; n = n->parent) chain.push_back(n);
  std::string out;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    if (!out.empty()) out.push_back('/');
    out += (*it)->name;
  }
  return out;
}

MergedTree::MergedTree() : root_(std::make_unique<TreeNode>()) {}

const TreeNode* MergedTree::find(std::string_view path) const {
  const TreeNode* node = root_.get();
  std::string_view part;
  while (next_component(path, part)) {
    auto it = node->children.find(part);
    if (it == node->children.end()) return nullptr;
    node = it->second.get();
  }
  return node;
}

TreeNode* MergedTree::find(std::string_view path) {
  return const_cast<TreeNode*>(static_cast<const MergedTree*>(this)->find(path));
}

}  // namespace layerscope

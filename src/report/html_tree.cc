// The browsable final filesystem of the HTML report. A real image can hold millions of
// entries; a page with all of them would not open, so which entries are listed is decided
// breadth first (every directory's largest children before anything deeper) under two caps,
// and what is left out is summarised per directory ("… 12 more (3.4 MB)").
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <vector>

#include "attrib/dir_sizes.h"
#include "report/html_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

struct Item {
  const TreeNode* node;
  const DirSize* dir;  // for directories
  uint64_t bytes = 0, files = 0;
};

struct Listing {
  std::vector<Item> shown;  // largest first, ties by name
  uint64_t rest_count = 0, rest_bytes = 0;
};

const DirSize* sub_dir(const DirSize& d, std::string_view name) {
  auto it = std::lower_bound(d.children.begin(), d.children.end(), name,
                             [](const DirSize& c, std::string_view n) { return c.name < n; });
  return it != d.children.end() && it->name == name ? &*it : nullptr;
}

class TreePage {
 public:
  TreePage(const Analysis& a, const HtmlOptions& o) : a_(a), o_(o), sizes_(final_dir_sizes(a.indexes, a.merged.tree)) {}

  void render(std::string& out) {
    plan();
    out += "<section id=\"tree\">\n<h2>Final filesystem</h2>\n";
    if (cut_by_children_ || cut_by_nodes_) {
      out += fmt::format(
          "<p class=\"cap\">Not every entry is listed: at most {} entries per directory{}, largest first. "
          "The &#8220;&#8230; more&#8221; lines sum up the rest.</p>\n",
          group_thousands(o_.max_children),
          cut_by_nodes_ ? fmt::format(" and {} in the whole tree (the cap was reached)", group_thousands(o_.max_nodes))
                        : std::string());
    }
    const TreeNode& root = a_.merged.tree.root();
    out += fmt::format("<details open><summary><span class=\"sz\">{}</span>/ <span class=\"note\">({} files)</span></summary>\n",
                       html_bytes(sizes_.bytes), group_thousands(sizes_.files));
    children(out, root);
    out += "</details>\n</section>\n";
  }

 private:
  Item item(const TreeNode& n, const DirSize& parent) const {
    Item it{&n, nullptr, 0, 0};
    if (n.kind == EntryKind::kDir) {
      it.dir = sub_dir(parent, n.name);
      if (it.dir) {
        it.bytes = it.dir->bytes;
        it.files = it.dir->files;
      }
    } else if (n.kind == EntryKind::kFile && n.entry >= 0) {
      it.bytes = a_.indexes[n.layer].entries[n.entry].size;
      it.files = 1;
    }
    return it;
  }

  // Breadth first: each directory gets up to max_children of its children while the global
  // budget lasts; the directories among them are visited next.
  void plan() {
    size_t budget = o_.max_nodes;
    std::deque<std::pair<const TreeNode*, const DirSize*>> queue{{&a_.merged.tree.root(), &sizes_}};
    while (!queue.empty()) {
      auto [node, dir] = queue.front();
      queue.pop_front();
      std::vector<Item> kids;
      kids.reserve(node->children.size());
      for (const auto& [name, c] : node->children) kids.push_back(item(*c, *dir));
      std::sort(kids.begin(), kids.end(), [](const Item& x, const Item& y) {
        return x.bytes != y.bytes ? x.bytes > y.bytes : x.node->name < y.node->name;
      });
      size_t n = std::min({kids.size(), o_.max_children, budget});
      if (n < kids.size()) (n < std::min(kids.size(), o_.max_children) ? cut_by_nodes_ : cut_by_children_) = true;
      budget -= n;
      Listing& l = listings_[node];
      for (size_t i = n; i < kids.size(); ++i) {
        ++l.rest_count;
        l.rest_bytes += kids[i].bytes;
      }
      kids.resize(n);
      for (const Item& k : kids) {
        if (k.dir) queue.emplace_back(k.node, k.dir);
      }
      l.shown = std::move(kids);
    }
  }

  void children(std::string& out, const TreeNode& node) {
    const Listing& l = listings_[&node];
    if (l.shown.empty() && l.rest_count == 0) return;
    out += "<ul class=\"tree\">\n";
    for (const Item& k : l.shown) {
      if (k.dir) {
        out += fmt::format("<li><details><summary><span class=\"sz\">{}</span>{}/ <span class=\"note\">({} files)</span></summary>\n",
                           html_bytes(k.bytes), html_escape(k.node->name), group_thousands(k.files));
        children(out, *k.node);
        out += "</details></li>\n";
      } else {
        out += fmt::format("<li><span class=\"sz\">{}</span>{}{}</li>\n", k.node->kind == EntryKind::kFile ? html_bytes(k.bytes) : "",
                           html_escape(k.node->name), link(*k.node));
      }
    }
    if (l.rest_count) {
      out += fmt::format("<li class=\"note\"><span class=\"sz\"></span>&#8230; {} more ({})</li>\n",
                         group_thousands(l.rest_count), human_bytes(l.rest_bytes));
    }
    out += "</ul>\n";
  }

  std::string link(const TreeNode& n) const {
    if (n.entry < 0) return "";
    const LayerEntry& e = a_.indexes[n.layer].entries[n.entry];
    if (n.kind == EntryKind::kSymlink) return " &#8594; " + html_escape(e.link);
    if (n.kind == EntryKind::kHardlink) return " &#8658; /" + html_escape(e.link);
    return "";
  }

  const Analysis& a_;
  const HtmlOptions& o_;
  DirSize sizes_;
  std::unordered_map<const TreeNode*, Listing> listings_;
  bool cut_by_children_ = false, cut_by_nodes_ = false;
};

}  // namespace

void html_tree(std::string& out, const Analysis& a, const HtmlOptions& options) { TreePage(a, options).render(out); }

}  // namespace layerscope

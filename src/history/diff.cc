// diff_analyses(): two analyses compared at four levels.
//   * totals: NEW minus OLD for every figure of Totals, so the diff agrees with `analyze`;
//   * layers: aligned by pair_layers() (same diff_id = unchanged; the rest paired by position
//     and instruction), each changed layer explained by the directories of its own entries;
//   * instructions: layers grouped by cleaned instruction text on each side;
//   * the final trees: every regular file visible in either tree is compared by size and
//     content hash, and the changes are summed into a tree of directory deltas.
// Directory sizes are regular-file bytes of the whole subtree, exactly as tree_summary and
// the oracle count them (hardlinks and symlinks carry no bytes).
#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

#include "history/explain.h"
#include "history/layer_pairing.h"
#include "layerscope/diff.h"
#include "util/text.h"

namespace layerscope {

namespace {

int64_t signed_delta(uint64_t old_value, uint64_t new_value) {
  return static_cast<int64_t>(new_value) - static_cast<int64_t>(old_value);
}

ImageSide side_of(const Analysis& a) {
  return {a.image.reference, a.image.name, a.image.platform, a.image.manifest_digest, a.image.config_digest, a.totals};
}

TotalsDelta totals_delta(const Totals& o, const Totals& n) {
  TotalsDelta d;
  d.layers = signed_delta(o.layers, n.layers);
  d.compressed_bytes = signed_delta(o.compressed_bytes, n.compressed_bytes);
  d.tar_bytes = signed_delta(o.tar_bytes, n.tar_bytes);
  d.content_bytes = signed_delta(o.content_bytes, n.content_bytes);
  d.final_bytes = signed_delta(o.final_bytes, n.final_bytes);
  d.files = signed_delta(o.files, n.files);
  return d;
}

// ---- layers ------------------------------------------------------------------------------

std::map<std::string, uint64_t> layer_dirs(const LayerIndex& idx) {
  std::map<std::string, uint64_t> dirs;
  for (const auto& e : idx.entries) {
    if (e.is_file()) add_to_dirs(dirs, e.path, e.size);
  }
  return dirs;
}

// "Dockerfile:14" or "Dockerfile:6-9" when attribution matched the layer to lines.
std::string dockerfile_source(const LayerReport& l) {
  if (l.dockerfile_line < 0) return "";
  std::string s = "Dockerfile:" + std::to_string(l.dockerfile_line);
  if (l.dockerfile_last_line > l.dockerfile_line) s += "-" + std::to_string(l.dockerfile_last_line);
  return s;
}

std::vector<LayerDelta> layer_deltas(const Analysis& o, const Analysis& n, uint64_t& shared) {
  std::vector<LayerKey> ok, nk;
  for (const auto& l : o.layers) ok.push_back({l.diff_id, l.instruction});
  for (const auto& l : n.layers) nk.push_back({l.diff_id, l.instruction});
  std::vector<LayerDelta> out;
  static const std::map<std::string, uint64_t> kNone;
  for (const auto& p : pair_layers(ok, nk)) {
    LayerDelta d;
    d.old_index = p.old_index;
    d.new_index = p.new_index;
    const LayerReport* ol = p.old_index >= 0 ? &o.layers[p.old_index] : nullptr;
    const LayerReport* nl = p.new_index >= 0 ? &n.layers[p.new_index] : nullptr;
    if (ol) {
      d.old_diff_id = ol->diff_id;
      d.old_instruction = ol->instruction;
      d.old_content_bytes = ol->content_bytes;
      d.old_compressed_bytes = ol->compressed_bytes;
    }
    if (nl) {
      d.new_diff_id = nl->diff_id;
      d.new_instruction = nl->instruction;
      d.new_content_bytes = nl->content_bytes;
      d.new_compressed_bytes = nl->compressed_bytes;
    }
    // Where the layer is written: NEW's Dockerfile, or OLD's for a layer NEW no longer has.
    if (nl) d.source = dockerfile_source(*nl);
    else if (!dockerfile_source(*ol).empty()) d.source = "OLD " + dockerfile_source(*ol);
    if (ol && nl) {
      d.change = ol->diff_id == nl->diff_id ? LayerChangeKind::kUnchanged : LayerChangeKind::kChanged;
    } else {
      d.change = ol ? LayerChangeKind::kRemoved : LayerChangeKind::kAdded;
    }
    d.content_delta = signed_delta(d.old_content_bytes, d.new_content_bytes);
    d.compressed_delta = signed_delta(d.old_compressed_bytes, d.new_compressed_bytes);
    if (d.change == LayerChangeKind::kUnchanged) {
      ++shared;
    } else {
      auto od = ol ? layer_dirs(o.indexes[p.old_index]) : kNone;
      auto nd = nl ? layer_dirs(n.indexes[p.new_index]) : kNone;
      d.dirs = explaining_dirs(dir_deltas(od, nd), d.content_delta);
    }
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<InstructionDelta> instruction_deltas(const Analysis& o, const Analysis& n) {
  std::map<std::string, InstructionDelta> by_text;
  for (const auto& l : o.layers) {
    InstructionDelta& d = by_text[l.instruction];
    d.instruction = l.instruction;
    ++d.old_layers;
    d.old_content_bytes += l.content_bytes;
    d.old_compressed_bytes += l.compressed_bytes;
  }
  for (const auto& l : n.layers) {
    InstructionDelta& d = by_text[l.instruction];
    d.instruction = l.instruction;
    ++d.new_layers;
    d.new_content_bytes += l.content_bytes;
    d.new_compressed_bytes += l.compressed_bytes;
  }
  std::vector<InstructionDelta> out;
  for (auto& [text, d] : by_text) {
    d.content_delta = signed_delta(d.old_content_bytes, d.new_content_bytes);
    d.compressed_delta = signed_delta(d.old_compressed_bytes, d.new_compressed_bytes);
    if (d.content_delta == 0 && d.compressed_delta == 0 && d.old_layers == d.new_layers) continue;
    out.push_back(d);
  }
  std::stable_sort(out.begin(), out.end(), [](const InstructionDelta& x, const InstructionDelta& y) {
    if (magnitude(x.content_delta) != magnitude(y.content_delta)) {
      return magnitude(x.content_delta) > magnitude(y.content_delta);
    }
    return magnitude(x.compressed_delta) > magnitude(y.compressed_delta);
  });
  return out;
}

// ---- final trees -------------------------------------------------------------------------

struct VisibleFile {
  uint64_t size = 0;
  ContentDigest128 hash;
  int layer = -1;
};

void collect_files(const Analysis& a, const TreeNode& node, const std::string& prefix,
                   std::map<std::string, VisibleFile>& out) {
  for (const auto& [name, child] : node.children) {
    std::string path = prefix.empty() ? std::string(name) : prefix + "/" + std::string(name);
    if (child->kind == EntryKind::kFile) {
      const LayerEntry& e = a.indexes[child->layer].entries[child->entry];
      out.emplace(std::move(path), VisibleFile{e.size, e.hash, child->layer});
    } else if (child->kind == EntryKind::kDir) {
      collect_files(a, *child, path, out);
    }
  }
}

// Directory aggregates over both trees, keyed by path component.
struct DirAcc {
  uint64_t old_bytes = 0, new_bytes = 0, old_files = 0, new_files = 0, changed = 0;
  std::map<std::string, std::unique_ptr<DirAcc>, std::less<>> children;
};

void add_file(DirAcc& root, std::string_view path, const VisibleFile* o, const VisibleFile* n, bool changed) {
  DirAcc* node = &root;
  while (true) {
    node->old_bytes += o ? o->size : 0;
    node->new_bytes += n ? n->size : 0;
    node->old_files += o ? 1 : 0;
    node->new_files += n ? 1 : 0;
    node->changed += changed ? 1 : 0;
    size_t slash = path.find('/');
    if (slash == std::string_view::npos) return;  // the rest is the file's own name
    std::string_view part = path.substr(0, slash);
    auto it = node->children.find(part);
    if (it == node->children.end()) it = node->children.emplace(std::string(part), std::make_unique<DirAcc>()).first;
    node = it->second.get();
    path.remove_prefix(slash + 1);
  }
}

DirDeltaNode to_delta_tree(const DirAcc& acc, const std::string& path) {
  DirDeltaNode d;
  d.path = path;
  d.old_bytes = acc.old_bytes;
  d.new_bytes = acc.new_bytes;
  d.delta = signed_delta(acc.old_bytes, acc.new_bytes);
  d.old_files = acc.old_files;
  d.new_files = acc.new_files;
  d.changed_files = acc.changed;
  for (const auto& [name, child] : acc.children) {
    if (child->changed == 0) continue;  // nothing below changed
    d.children.push_back(to_delta_tree(*child, path == "/" ? "/" + name : path + "/" + name));
  }
  std::stable_sort(d.children.begin(), d.children.end(), [](const DirDeltaNode& x, const DirDeltaNode& y) {
    return magnitude(x.delta) > magnitude(y.delta);  // stable: equal changes stay in name order
  });
  return d;
}

void flatten(const DirDeltaNode& node, std::vector<PathDelta>& out) {
  for (const auto& c : node.children) {
    out.push_back({c.path, c.old_bytes, c.new_bytes, c.delta});
    flatten(c, out);
  }
}

void tally(FileChangeTotals& t, const FileDelta& f) {
  ChangeTally* slot = nullptr;
  switch (f.change) {
    case FileChangeKind::kAdded: slot = &t.added; break;
    case FileChangeKind::kRemoved: slot = &t.removed; break;
    case FileChangeKind::kGrown: slot = &t.grown; break;
    case FileChangeKind::kShrunk: slot = &t.shrunk; break;
    case FileChangeKind::kModified: slot = &t.modified; break;
  }
  ++slot->files;
  slot->bytes += f.delta;
}

void compare_trees(const Analysis& o, const Analysis& n, ImageDiff& diff) {
  std::map<std::string, VisibleFile> old_files, new_files;
  collect_files(o, o.merged.tree.root(), "", old_files);
  collect_files(n, n.merged.tree.root(), "", new_files);

  DirAcc root;
  auto a = old_files.begin();
  auto b = new_files.begin();
  while (a != old_files.end() || b != new_files.end()) {
    const std::string* path;
    const VisibleFile* of = nullptr;
    const VisibleFile* nf = nullptr;
    if (b == new_files.end() || (a != old_files.end() && a->first < b->first)) {
      path = &a->first;
      of = &(a++)->second;
    } else if (a == old_files.end() || b->first < a->first) {
      path = &b->first;
      nf = &(b++)->second;
    } else {
      path = &a->first;
      of = &(a++)->second;
      nf = &(b++)->second;
    }
    FileDelta f;
    bool changed = true;
    if (of && nf) {
      if (of->size == nf->size) {
        changed = !(of->hash == nf->hash);
        f.change = FileChangeKind::kModified;
      } else {
        f.change = nf->size > of->size ? FileChangeKind::kGrown : FileChangeKind::kShrunk;
      }
    } else {
      f.change = of ? FileChangeKind::kRemoved : FileChangeKind::kAdded;
    }
    add_file(root, *path, of, nf, changed);
    if (!changed) continue;
    f.path = "/" + *path;
    f.old_bytes = of ? of->size : 0;
    f.new_bytes = nf ? nf->size : 0;
    f.delta = signed_delta(f.old_bytes, f.new_bytes);
    f.old_layer = of ? of->layer : -1;
    f.new_layer = nf ? nf->layer : -1;
    tally(diff.file_totals, f);
    diff.files.push_back(std::move(f));
  }
  std::stable_sort(diff.files.begin(), diff.files.end(), [](const FileDelta& x, const FileDelta& y) {
    return magnitude(x.delta) > magnitude(y.delta);  // stable: ties stay in path order
  });
  diff.root = to_delta_tree(root, "/");
  std::vector<PathDelta> flat;
  flatten(diff.root, flat);
  diff.focus = explaining_dirs(flat, diff.root.delta);
}

// The deepest directory holding both absolute paths; the path itself when they are equal.
std::string common_dir(const std::string& a, const std::string& b) {
  if (a == b) return a;
  size_t end = 0;  // length of the common prefix that ends at a component boundary
  for (size_t i = 0; i < a.size() && i < b.size() && a[i] == b[i]; ++i) {
    if (a[i] == '/') end = i;
  }
  // "/app/x" and "/app/x/y": the shorter one is a directory holding the other.
  if (a.size() < b.size() && b.compare(0, a.size(), a) == 0 && b[a.size()] == '/') return a;
  if (b.size() < a.size() && a.compare(0, b.size(), b) == 0 && a[b.size()] == '/') return b;
  return end == 0 ? "/" : a.substr(0, end);
}

}  // namespace

const char* layer_change_name(LayerChangeKind kind) {
  switch (kind) {
    case LayerChangeKind::kUnchanged: return "unchanged";
    case LayerChangeKind::kChanged: return "changed";
    case LayerChangeKind::kAdded: return "added";
    case LayerChangeKind::kRemoved: return "removed";
  }
  return "unknown";
}

const char* file_change_name(FileChangeKind kind) {
  switch (kind) {
    case FileChangeKind::kAdded: return "added";
    case FileChangeKind::kRemoved: return "removed";
    case FileChangeKind::kGrown: return "grown";
    case FileChangeKind::kShrunk: return "shrunk";
    case FileChangeKind::kModified: return "modified";
  }
  return "unknown";
}

std::vector<FindingRef> finding_refs(const std::vector<Finding>& findings) {
  std::vector<FindingRef> out;
  for (const auto& f : findings) {
    std::string path = f.paths.empty() ? "" : f.paths.front().path;
    for (const auto& p : f.paths) path = common_dir(path, p.path);
    out.push_back({f.rule, path, f.bytes});
  }
  return out;
}

ImageDiff diff_analyses(const Analysis& old_analysis, const Analysis& new_analysis) {
  ImageDiff d;
  d.old_image = side_of(old_analysis);
  d.new_image = side_of(new_analysis);
  d.delta = totals_delta(old_analysis.totals, new_analysis.totals);
  d.layers = layer_deltas(old_analysis, new_analysis, d.shared_layers);
  d.instructions = instruction_deltas(old_analysis, new_analysis);
  compare_trees(old_analysis, new_analysis, d);
  compare_findings(d, finding_refs(old_analysis.findings), finding_refs(new_analysis.findings));
  return d;
}

void compare_findings(ImageDiff& diff, const std::vector<FindingRef>& old_findings,
                      const std::vector<FindingRef>& new_findings) {
  using Key = std::pair<std::string, std::string>;
  auto keys = [](const std::vector<FindingRef>& v) {
    std::set<Key> out;
    for (const auto& f : v) out.emplace(f.rule, f.path);
    return out;
  };
  auto less = [](const FindingRef& x, const FindingRef& y) {
    return std::tie(x.rule, x.path, x.bytes) < std::tie(y.rule, y.path, y.bytes);
  };
  const std::set<Key> old_keys = keys(old_findings), new_keys = keys(new_findings);
  diff.findings_appeared.clear();
  diff.findings_disappeared.clear();
  for (const auto& f : new_findings) {
    if (!old_keys.count({f.rule, f.path})) diff.findings_appeared.push_back(f);
  }
  for (const auto& f : old_findings) {
    if (!new_keys.count({f.rule, f.path})) diff.findings_disappeared.push_back(f);
  }
  std::sort(diff.findings_appeared.begin(), diff.findings_appeared.end(), less);
  std::sort(diff.findings_disappeared.begin(), diff.findings_disappeared.end(), less);
  diff.findings_compared = true;
}

void apply_budget(ImageDiff& diff, uint64_t limit_bytes) {
  BudgetVerdict v;
  v.limit_bytes = limit_bytes;
  v.content_bytes = diff.new_image.totals.content_bytes;
  v.exceeded = v.content_bytes > limit_bytes;
  diff.budget = v;
}

}  // namespace layerscope

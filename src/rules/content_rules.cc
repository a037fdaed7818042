// Rules over the final filesystem's content:
//   duplicate-content: the same bytes (XXH3-128 + size) at several paths; every copy after
//                      the first (in layer, then path order) could be a link.
//   large-file:        single files above a threshold (default 50 MB): worth a look, not
//                      necessarily waste, so the rule reports them without claiming savings.
#include <algorithm>
#include <map>
#include <tuple>

#include "rules/rule_context.h"
#include "util/units.h"

namespace layerscope::rules {

namespace {

void final_files(const TreeNode& n, std::vector<EntryRef>& out) {
  for (const auto& [name, c] : n.children) {
    if (c->kind == EntryKind::kFile) out.push_back({c->layer, static_cast<uint32_t>(c->entry)});
    else if (c->kind == EntryKind::kDir) final_files(*c, out);
  }
}

}  // namespace

void rule_duplicate_content(const RuleContext& ctx, std::vector<Finding>& out) {
  std::vector<EntryRef> files;
  final_files(ctx.analysis.merged.tree.root(), files);
  // Groups of equal (size, content hash), in that order: one sort of a flat vector rather than
  // a map node per file, which made this rule the slowest step after the merge.
  struct Keyed {
    uint64_t size;
    ContentDigest128 hash;
    EntryRef ref;
  };
  std::vector<Keyed> keyed;
  for (const auto& f : files) {
    const LayerEntry& e = ctx.entry(f);
    if (e.size < std::max<uint64_t>(1, ctx.config.duplicate_min_bytes) || ctx.allowed(e.path)) continue;
    keyed.push_back({e.size, e.hash, f});
  }
  auto key_less = [](const Keyed& a, const Keyed& b) { return std::tie(a.size, a.hash) < std::tie(b.size, b.hash); };
  std::sort(keyed.begin(), keyed.end(), key_less);
  std::map<int, std::vector<EntryRef>> redundant;  // by the layer holding the extra copy
  std::map<int, std::vector<std::string>> notes;
  std::vector<EntryRef> members;
  for (size_t start = 0, end = 0; start < keyed.size(); start = end) {
    end = start + 1;
    while (end < keyed.size() && !key_less(keyed[start], keyed[end])) ++end;
    if (end - start < 2) continue;
    members.clear();
    for (size_t k = start; k < end; ++k) members.push_back(keyed[k].ref);
    std::sort(members.begin(), members.end(), [&](const EntryRef& a, const EntryRef& b) {
      if (a.layer != b.layer) return a.layer < b.layer;
      return ctx.entry(a).path < ctx.entry(b).path;
    });
    for (size_t i = 1; i < members.size(); ++i) {
      redundant[members[i].layer].push_back(members[i]);
      notes[members[i].layer].push_back("same content as /" + ctx.entry(members[0]).path);
    }
  }
  for (auto& [layer, matched] : redundant) {
    uint64_t bytes = 0;
    for (const auto& m : matched) bytes += ctx.entry(m).size;
    std::string msg = count_noun(matched.size(), "file", "files") + " (" + human_bytes(bytes) + ") in layer " +
                      std::to_string(layer) + " duplicate content found at other paths of the image";
    out.push_back(ctx.make(layer, matched, std::move(msg),
                           "keep one copy: hardlink or symlink the others, or stop copying the same files twice",
                           &notes[layer]));
  }
}

void rule_large_file(const RuleContext& ctx, std::vector<Finding>& out) {
  std::vector<EntryRef> files;
  final_files(ctx.analysis.merged.tree.root(), files);
  for (const auto& f : files) {
    const LayerEntry& e = ctx.entry(f);
    if (e.size < ctx.config.large_file_bytes || ctx.allowed(e.path)) continue;
    std::string msg = "/" + e.path + " is " + human_bytes(e.size) + " (threshold " +
                      human_bytes(ctx.config.large_file_bytes) + ")";
    out.push_back(ctx.make(f.layer, {f}, std::move(msg),
                           "check it is needed at run time; fetch large assets at start-up or mount them as a volume; "
                           "allowlist it if it is required",
                           nullptr, /*claim=*/false));
  }
}

}  // namespace layerscope::rules

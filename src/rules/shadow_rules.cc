// Rules built on the merge's shadows (entries a later layer hid):
//   deleted-later:     a layer adds files that a later layer deletes — the bytes still ship.
//   overwritten-later: a later layer rewrites files; when the content hash and size are the
//                      same it is a metadata-only rewrite (a `chown -R`/`chmod`/`touch` in its
//                      own RUN), which ships every byte twice for nothing.
#include <map>

#include "rules/rule_context.h"
#include "util/units.h"

namespace layerscope::rules {

void rule_deleted_later(const RuleContext& ctx, std::vector<Finding>& out) {
  // Grouped by the layer that added the files: that RUN is where the fix goes.
  std::map<int, std::vector<EntryRef>> by_layer;
  std::map<int, std::map<int, uint64_t>> deleters;  // adder -> deleting layer -> bytes
  for (const auto& s : ctx.analysis.merged.shadows) {
    if (s.reason != ShadowReason::kDeleted) continue;
    EntryRef r{static_cast<int>(s.layer), s.entry};
    const LayerEntry& e = ctx.entry(r);
    if (!e.is_file() || ctx.allowed(e.path)) continue;
    by_layer[r.layer].push_back(r);
    deleters[r.layer][s.by_layer] += e.size;
  }
  for (auto& [layer, matched] : by_layer) {
    uint64_t bytes = 0;
    for (const auto& m : matched) bytes += ctx.entry(m).size;
    std::string by;
    for (const auto& [d, b] : deleters[layer]) by += (by.empty() ? "" : ", ") + std::to_string(d);
    std::string msg = count_noun(matched.size(), "file", "files") + " (" + human_bytes(bytes) + ") added in layer " +
                      std::to_string(layer) + " are deleted by layer " + by + "; the bytes still ship";
    out.push_back(ctx.make(layer, matched, std::move(msg),
                           "create and delete them in the same RUN (download, use, `rm` in one step), or build them "
                           "in a separate stage; a later `rm` only hides files"));
  }
}

namespace {

// Why the hidden copy is gone, for a copy that is not a metadata-only rewrite. A copy can also
// vanish without being rewritten: a later entry of another kind at its path or above it (a
// directory that became a file takes its whole subtree), or a second entry for the same path
// in the same tar.
std::string shadow_note(const Shadow& s, const LayerEntry& old, const LayerEntry* now) {
  if (s.reason == ShadowReason::kDuplicate) return "written again later in the same layer";
  if (!now) return "content changed";
  std::string kind = entry_kind_name(now->kind);
  if (now->path != old.path) return "removed: /" + now->path + " became a " + kind;
  if (now->kind != old.kind) return "replaced by a " + kind;
  return "content changed";
}

bool is_replacement(const LayerEntry& old, const LayerEntry* now) {
  return now && (now->path != old.path || now->kind != old.kind);
}

}  // namespace

void rule_overwritten_later(const RuleContext& ctx, std::vector<Finding>& out) {
  // Grouped by the layer that rewrote the files: that instruction is the one to change.
  struct Group {
    std::vector<EntryRef> matched;
    std::vector<std::string> notes;
    uint64_t same = 0, same_bytes = 0;
    bool replaced = false;  // some copies were removed by a node of another kind, not rewritten
    std::map<int, uint64_t> from;  // layer of the hidden copies -> files
  };
  std::map<int, Group> groups;
  const auto& idx = ctx.analysis.indexes;
  for (const auto& s : ctx.analysis.merged.shadows) {
    if (s.reason == ShadowReason::kDeleted) continue;
    EntryRef r{static_cast<int>(s.layer), s.entry};
    const LayerEntry& old = ctx.entry(r);
    if (!old.is_file() || ctx.allowed(old.path)) continue;
    Group& g = groups[s.by_layer];
    const LayerEntry* now = s.by_entry >= 0 ? &idx[s.by_layer].entries[s.by_entry] : nullptr;
    bool same = now && now->is_file() && now->size == old.size && now->hash == old.hash;
    g.matched.push_back(r);
    g.replaced |= s.reason != ShadowReason::kDuplicate && is_replacement(old, now);
    g.notes.push_back(same ? "unchanged content (metadata-only rewrite)" : shadow_note(s, old, now));
    g.from[r.layer] += 1;
    if (same) {
      ++g.same;
      g.same_bytes += old.size;
    }
  }
  for (auto& [layer, g] : groups) {
    uint64_t bytes = 0;
    for (const auto& m : g.matched) bytes += ctx.entry(m).size;
    std::string from;
    for (const auto& [l, n] : g.from) from += (from.empty() ? "" : ", ") + std::to_string(l);
    std::string msg = "layer " + std::to_string(layer) + (g.replaced ? " rewrites or replaces " : " rewrites ") +
                      count_noun(g.matched.size(), "file", "files") + " (" + human_bytes(bytes) + ") from layer " + from +
                      (from == std::to_string(layer) ? " itself" : "") + ", so both copies ship";
    std::string fix;
    if (g.same == g.matched.size()) {
      msg += "; the content is unchanged: a metadata-only rewrite (chown/chmod/touch)";
      fix = "set ownership and mode where the files are written (`COPY --chown=app:app --chmod=…`, or chown in the "
            "RUN that creates them) instead of a separate `RUN chown -R`/`chmod`";
    } else {
      if (g.same) msg += "; " + group_thousands(g.same) + " of them (" + human_bytes(g.same_bytes) + ") are unchanged";
      fix = "produce each file's final version in one layer; rewriting a file in a later layer ships both versions";
    }
    out.push_back(ctx.make(layer, g.matched, std::move(msg), std::move(fix), &g.notes));
  }
}

}  // namespace layerscope::rules

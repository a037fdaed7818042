#include "rules/rule_context.h"

#include <fnmatch.h>

#include <algorithm>

namespace layerscope::rules {

Claims::Claims(const std::vector<LayerIndex>& indexes) {
  claimed_.reserve(indexes.size());
  for (const auto& idx : indexes) claimed_.emplace_back(idx.entries.size(), false);
}

bool Claims::claim(const EntryRef& e) {
  if (claimed_[e.layer][e.entry]) return false;
  claimed_[e.layer][e.entry] = true;
  return true;
}

Origins::Origins(const Analysis& a) {
  for (const auto& idx : a.indexes) origin_.emplace_back(idx.entries.size(), -1);
  for (size_t l = 0; l < origin_.size(); ++l) {
    for (auto& o : origin_[l]) o = static_cast<int>(l);
  }
  // Shadows come in layer order, so a chain of unchanged re-shipments resolves front to back.
  for (const auto& s : a.merged.shadows) {
    if (s.reason == ShadowReason::kDeleted || s.by_entry < 0) continue;
    const LayerEntry& old = a.indexes[s.layer].entries[s.entry];
    const LayerEntry& now = a.indexes[s.by_layer].entries[s.by_entry];
    if (old.is_file() && now.is_file() && old.size == now.size && old.hash == now.hash) {
      origin_[s.by_layer][s.by_entry] = origin_[s.layer][s.entry];
    }
  }
}

std::map<int, std::vector<EntryRef>> group_by_origin(const RuleContext& ctx, const std::vector<EntryRef>& matched) {
  std::map<int, std::vector<EntryRef>> out;
  for (const auto& m : matched) out[ctx.origins.layer_of(m)].push_back(m);
  return out;
}

// A note on the re-shipped copies, e.g. " (8 of them re-shipped unchanged by layer 10)".
std::string reshipped_note(int origin, const std::vector<EntryRef>& group) {
  std::map<int, uint64_t> later;
  for (const auto& m : group) {
    if (m.layer != origin) ++later[m.layer];
  }
  if (later.empty()) return "";
  std::string layers;
  uint64_t n = 0;
  for (const auto& [l, c] : later) {
    layers += (layers.empty() ? "" : ", ") + std::to_string(l);
    n += c;
  }
  return "; " + count_noun(n, "copy", "copies") + " re-shipped unchanged by layer " + layers;
}

std::string count_noun(uint64_t n, const char* singular, const char* plural) {
  std::string digits = std::to_string(n);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) grouped.push_back(',');
    grouped.push_back(digits[i]);
  }
  return grouped + " " + (n == 1 ? singular : plural);
}

bool RuleContext::allowed(std::string_view path) const {
  auto it = config.rules.find(info.id);
  if (it == config.rules.end() || it->second.allow.empty()) return false;
  std::string abs = "/" + std::string(path);
  for (const auto& pattern : it->second.allow) {
    // Without FNM_PATHNAME '*' crosses '/', so "/app/models/*" covers the whole subtree.
    if (fnmatch(pattern.c_str(), abs.c_str(), 0) == 0) return true;
  }
  return false;
}

Finding RuleContext::make(int layer, const std::vector<EntryRef>& matched, std::string message, std::string fix,
                          const std::vector<std::string>* notes, bool claim) const {
  Finding f;
  f.rule = info.id;
  f.severity = severity;
  f.layer = layer;
  if (layer >= 0 && layer < static_cast<int>(analysis.layers.size())) {
    f.instruction = analysis.layers[layer].instruction;
    f.dockerfile_line = analysis.layers[layer].dockerfile_line;  // with --dockerfile
  }
  f.message = std::move(message);
  f.fix = std::move(fix);
  f.path_count = matched.size();
  std::vector<size_t> order(matched.size());
  for (size_t i = 0; i < matched.size(); ++i) {
    const LayerEntry& e = entry(matched[i]);
    f.bytes += e.size;
    f.compressed_bytes_est += e.compressed_est;
    if (claim && claims.claim(matched[i])) f.savings_bytes += e.size;
    order[i] = i;
  }
  auto by_size = [&](size_t x, size_t y) {
    const LayerEntry& a = entry(matched[x]);
    const LayerEntry& b = entry(matched[y]);
    if (a.size != b.size) return a.size > b.size;
    if (a.path != b.path) return a.path < b.path;
    return matched[x].layer < matched[y].layer;
  };
  size_t keep = config.max_paths == 0 ? order.size() : std::min(config.max_paths, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<long>(keep), order.end(), by_size);
  for (size_t k = 0; k < keep; ++k) {
    const EntryRef& r = matched[order[k]];
    FindingPath p{"/" + entry(r).path, entry(r).size, r.layer, notes ? (*notes)[order[k]] : ""};
    // A path listed from another layer than the finding's is a re-shipped copy: say where.
    if (r.layer != layer && layer >= 0) {
      p.note += (p.note.empty() ? "" : "; ") + std::string("copy in layer ") + std::to_string(r.layer);
    }
    f.paths.push_back(std::move(p));
  }
  return f;
}

bool has_sequence(std::string_view path, std::string_view seq) {
  for (size_t pos = path.find(seq); pos != std::string_view::npos; pos = path.find(seq, pos + 1)) {
    bool start_ok = pos == 0 || path[pos - 1] == '/';
    size_t end = pos + seq.size();
    bool end_ok = end == path.size() || path[end] == '/';
    if (start_ok && end_ok) return true;
  }
  return false;
}

// A component is a sequence of one name (names hold no '/'); searching for it, instead of
// splitting the path at every '/', keeps the path rules cheap on images of many files.
bool has_component(std::string_view path, std::string_view name) { return has_sequence(path, name); }

}  // namespace layerscope::rules

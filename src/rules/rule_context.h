// What every rule gets to work with, and the bookkeeping that keeps savings honest: a layer
// entry's bytes can be claimed by one finding only, so the savings of all findings add up
// without counting any byte twice. Rules run in catalog order, so the most specific rule
// (pip-cache) claims a file before a generic one (deleted-later) sees it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/analysis.h"
#include "layerscope/findings.h"
#include "util/text.h"

namespace layerscope::rules {

struct EntryRef {
  int layer;
  uint32_t entry;
};

class Claims {
 public:
  explicit Claims(const std::vector<LayerIndex>& indexes);
  bool claim(const EntryRef& e);  // true when nobody had claimed it yet

 private:
  std::vector<std::vector<bool>> claimed_;
};

// Where each entry's bytes first entered the image: an entry that re-ships an unchanged
// copy of a lower entry (a `chown -R` layer) traces back to that lower entry's layer, so a
// cache or a .git copied once and re-shipped later is one problem with one fix, reported
// where it started.
class Origins {
 public:
  explicit Origins(const Analysis& analysis);
  int layer_of(const EntryRef& e) const { return origin_[e.layer][e.entry]; }

 private:
  std::vector<std::vector<int>> origin_;
};

struct RuleContext {
  const Analysis& analysis;
  const RulesConfig& config;
  Claims& claims;
  const Origins& origins;
  const RuleInfo& info;
  Severity severity;

  const LayerEntry& entry(const EntryRef& e) const { return analysis.indexes[e.layer].entries[e.entry]; }
  bool allowed(std::string_view path) const;  // path is relative ("usr/lib/x"); true = on the allowlist

  // One finding attributed to `layer`, from the matched entries: bytes, savings (newly
  // claimed), the biggest paths. `notes` (optional, parallel to `matched`) explain paths.
  Finding make(int layer, const std::vector<EntryRef>& matched, std::string message, std::string fix,
               const std::vector<std::string>* notes = nullptr, bool claim = true) const;
};

using RuleFn = void (*)(const RuleContext& ctx, std::vector<Finding>& out);

// Rule implementations (one file per family).
void rule_path_patterns(const RuleContext& ctx, std::vector<Finding>& out);  // dispatches on ctx.info.id
void rule_secret_file(const RuleContext& ctx, std::vector<Finding>& out);
void rule_build_toolchain(const RuleContext& ctx, std::vector<Finding>& out);
void rule_deleted_later(const RuleContext& ctx, std::vector<Finding>& out);
void rule_overwritten_later(const RuleContext& ctx, std::vector<Finding>& out);
void rule_duplicate_content(const RuleContext& ctx, std::vector<Finding>& out);
void rule_large_file(const RuleContext& ctx, std::vector<Finding>& out);
void rule_root_user(const RuleContext& ctx, std::vector<Finding>& out);
void rule_no_healthcheck(const RuleContext& ctx, std::vector<Finding>& out);

// Groups matched entries by the layer their bytes first entered (see Origins).
std::map<int, std::vector<EntryRef>> group_by_origin(const RuleContext& ctx, const std::vector<EntryRef>& matched);

// "; 8 copies re-shipped unchanged by layer 10", or "" when every entry is from `origin`.
std::string reshipped_note(int origin, const std::vector<EntryRef>& group);

// "1 file", "2 files"
std::string count_noun(uint64_t n, const char* singular, const char* plural);

// Path helpers shared by the rules: paths are relative, '/'-separated, no leading slash.
using layerscope::ends_with;  // util/text.h
using layerscope::starts_with;
bool has_component(std::string_view path, std::string_view name);
bool has_sequence(std::string_view path, std::string_view seq);  // "a/b" as whole components

}  // namespace layerscope::rules

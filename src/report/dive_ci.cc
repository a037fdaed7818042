// dive's CI rules and `.dive-ci` file. What: read the three thresholds (defaults, camelCase or
// kebab-case keys, "disabled"-like values), validate them all before evaluating any (one bad
// value makes the whole run "CI Misconfigured" and fails it), compare with dive's strict
// inequalities, and print dive's CI report. Why: users gate pipelines on `dive --ci`; the same
// file must give the same verdict here. Spec: ../shared/DIVE-COMPAT.md, "CI rules and
// .dive-ci"; the report layout and messages follow dive's runtime/ci evaluator (v0.13.x).
// Deliberate differences, documented in docs/dive-compat.md: a ratio of "nan" is
// misconfigured (dive lets NaN through its range check, and then the rule can never fail);
// the same rule given under two spellings with different values is misconfigured (dive would
// silently read one of them).
#include "layerscope/dive_ci.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "layerscope/error.h"
#include "report/dive_format.h"
#include "util/text.h"
#include "util/units.h"

namespace layerscope {

namespace {

constexpr const char* kLowestEfficiency = "lowestEfficiency";
constexpr const char* kHighestWastedBytes = "highestWastedBytes";
constexpr const char* kHighestUserWastedPercent = "highestUserWastedPercent";

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Newer dive versions treat these like "disabled" (trimmed, any case).
bool is_disabled(const std::string& value) {
  std::string v = ascii_lower(trim(value));
  return v.empty() || v == "disabled" || v == "off" || v == "false";
}

struct RuleKeys {
  const char* id;
  std::vector<std::string> spellings;  // lower case
  DiveRuleSetting DiveCiConfig::*setting;
};

const std::vector<RuleKeys>& rule_keys() {
  static const std::vector<RuleKeys> kKeys = {
      {kLowestEfficiency,
       {"lowestefficiency", "lowest-efficiency", "lowest-efficiency-threshold"},
       &DiveCiConfig::lowest_efficiency},
      {kHighestWastedBytes, {"highestwastedbytes", "highest-wasted-bytes"}, &DiveCiConfig::highest_wasted_bytes},
      {kHighestUserWastedPercent,
       {"highestuserwastedpercent", "highest-user-wasted-percent"},
       &DiveCiConfig::highest_user_wasted_percent},
  };
  return kKeys;
}

// A threshold that passed validation.
struct Threshold {
  double ratio = 0;
  uint64_t bytes = 0;
};

// dive's validators: a ratio must parse as a float64 and lie in [0, 1]; a size must parse
// with go-humanize. Returns the message dive prints for a misconfigured rule, or "".
std::string validate(const std::string& id, const std::string& value, Threshold& out) {
  std::string error;
  if (id == kHighestWastedBytes) {
    auto bytes = parse_dive_byte_size(value, &error);
    if (!bytes) return "invalid config value ('" + value + "'): " + error;
    out.bytes = *bytes;
    return "";
  }
  auto ratio = parse_go_float(value, &error);
  if (!ratio) return "invalid config value ('" + value + "'): " + error;
  // `!(0 <= r <= 1)` rather than dive's `r < 0 || r > 1`, so NaN is rejected too.
  if (!(*ratio >= 0 && *ratio <= 1)) return id + " config value is outside allowed range (0-1), given '" + value + "'";
  out.ratio = *ratio;
  return "";
}

std::string actual_value(const std::string& id, const Efficiency& e) {
  if (id == kLowestEfficiency) return go_float(e.score);
  if (id == kHighestWastedBytes) return std::to_string(e.wasted_bytes);
  return go_float(e.user_wasted_percent);
}

// dive's rule evaluators, strict comparisons and messages included.
void evaluate_rule(DiveRuleResult& r, const Threshold& t, const Efficiency& e) {
  bool failed = false;
  if (r.id == kLowestEfficiency) {
    failed = t.ratio > e.score;
    if (failed) r.message = "image efficiency is too low (efficiency=" + r.actual + " < threshold=" + go_float(t.ratio) + ")";
  } else if (r.id == kHighestWastedBytes) {
    failed = e.wasted_bytes > t.bytes;
    if (failed) {
      r.message = "too many bytes wasted (wasted-bytes=" + r.actual + " > threshold=" + std::to_string(t.bytes) + ")";
    }
  } else {
    failed = t.ratio < e.user_wasted_percent;  // false for NaN: 0/0 passes; +Inf fails
    if (failed) {
      r.message = "too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=" + r.actual +
                  " > threshold=" + go_float(t.ratio) + ")";
    }
  }
  r.status = failed ? DiveRuleStatus::kFail : DiveRuleStatus::kPass;
}

}  // namespace

DiveCiConfig parse_dive_ci(std::string_view yaml_text) {
  DiveCiConfig config;
  YAML::Node doc;
  try {
    doc = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::kConfig, std::string("dive CI config is not valid YAML: ") + e.what());
  }
  if (!doc || doc.IsNull()) return config;
  if (!doc.IsMap()) throw Error(ErrorKind::kConfig, "dive CI config: expected a mapping with a 'rules' key");
  const YAML::Node rules = static_cast<const YAML::Node&>(doc)["rules"];
  if (!rules || rules.IsNull()) return config;
  if (!rules.IsMap()) throw Error(ErrorKind::kConfig, "dive CI config: 'rules' must be a mapping of rule names to thresholds");

  for (const RuleKeys& keys : rule_keys()) {
    std::string first_key;
    DiveRuleSetting found;
    for (const auto& kv : rules) {
      if (!kv.first.IsScalar()) continue;
      const std::string key = kv.first.Scalar();
      if (std::find(keys.spellings.begin(), keys.spellings.end(), ascii_lower(key)) == keys.spellings.end()) continue;
      DiveRuleSetting s;
      const YAML::Node& v = kv.second;
      if (!v || v.IsNull()) {
        s.value = "";  // `key:` or `key: ~` read as an empty string, which disables the rule
      } else if (v.IsScalar()) {
        s.value = v.Scalar();  // the text as written: "0.95" stays "0.95", "off" stays "off"
      } else {
        s.value = v.IsSequence() ? "[...]" : "{...}";
        s.problem = "invalid config value for '" + key + "': expected a single value, not a " +
                    (v.IsSequence() ? "list" : "mapping");
      }
      if (first_key.empty()) {
        first_key = key;
        found = s;
      } else if (s.value != found.value && found.problem.empty()) {
        found.problem = std::string(keys.id) + " is given twice with different values ('" + found.value + "' as " +
                        first_key + ", '" + s.value + "' as " + key + "); keep one";
      }
    }
    if (!first_key.empty()) config.*keys.setting = found;
  }
  return config;
}

const char* dive_rule_status_name(DiveRuleStatus status) {
  switch (status) {
    case DiveRuleStatus::kPass: return "pass";
    case DiveRuleStatus::kFail: return "fail";
    case DiveRuleStatus::kSkip: return "skip";
    case DiveRuleStatus::kMisconfigured: return "misconfigured";
  }
  return "?";
}

DiveCiResult evaluate_dive_ci(const DiveCiConfig& config, const Efficiency& efficiency) {
  DiveCiResult result;
  std::vector<Threshold> thresholds;
  std::vector<bool> enabled;

  // 1. Validate every rule first: dive evaluates none when any is misconfigured.
  for (const RuleKeys& keys : rule_keys()) {
    const DiveRuleSetting& setting = config.*keys.setting;
    DiveRuleResult r;
    r.id = keys.id;
    r.threshold = setting.value;
    r.actual = actual_value(r.id, efficiency);
    Threshold t;
    bool valid = false;
    if (!setting.problem.empty()) {
      r.status = DiveRuleStatus::kMisconfigured;
      r.message = setting.problem;
    } else if (is_disabled(setting.value)) {
      r.status = DiveRuleStatus::kSkip;
      r.message = "rule disabled";
    } else if (std::string why = validate(r.id, setting.value, t); !why.empty()) {
      r.status = DiveRuleStatus::kMisconfigured;
      r.message = why;
    } else {
      valid = true;
    }
    result.misconfigured |= r.status == DiveRuleStatus::kMisconfigured;
    result.rules.push_back(r);
    thresholds.push_back(t);
    enabled.push_back(valid);
  }
  if (result.misconfigured) {
    result.pass = false;
    for (size_t i = 0; i < result.rules.size(); ++i) {
      if (enabled[i]) result.rules[i].message = "not evaluated: the CI configuration has errors";
    }
    return result;
  }

  // 2. Evaluate the enabled rules; any failure fails the run.
  for (size_t i = 0; i < result.rules.size(); ++i) {
    if (!enabled[i]) continue;
    DiveRuleResult& r = result.rules[i];
    evaluate_rule(r, thresholds[i], efficiency);
    if (r.status == DiveRuleStatus::kFail) result.pass = false;
  }
  return result;
}

std::string render_dive_ci(const DiveCiResult& result, const Efficiency& e) {
  std::string out;
  // What dive prints before evaluating (runtime/run.go).
  out += "  efficiency: " + go_fixed(e.score * 100, 4) + " %\n";
  out += "  wastedBytes: " + std::to_string(e.wasted_bytes) + " bytes (" + go_humanize_bytes(e.wasted_bytes) + ")\n";
  out += "  userWastedPercent: " + go_fixed(e.user_wasted_percent * 100, 4) + " %\n";

  // dive's report: "%5s  %12s  %-s" rows, largest first; dive lists no files when it stopped
  // at a misconfigured rule.
  auto row = [&](const std::string& count, const std::string& size, const std::string& path) {
    std::string line = std::string(count.size() < 5 ? 5 - count.size() : 0, ' ') + count + "  ";
    line += std::string(size.size() < 12 ? 12 - size.size() : 0, ' ') + size + "  " + path + "\n";
    return line;
  };
  out += "Inefficient Files:\n";
  out += row("Count", "Wasted Space", "File Path");
  if (result.misconfigured || e.inefficient_paths.empty()) {
    out += "None\n";
  } else {
    for (const auto& p : e.inefficient_paths) {
      out += row(std::to_string(p.count), go_humanize_bytes(p.cumulative_bytes), p.path);
    }
  }

  out += "Results:\n";
  std::vector<const DiveRuleResult*> sorted;
  for (const auto& r : result.rules) sorted.push_back(&r);
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  int passed = 0, failed = 0, skipped = 0;
  for (const DiveRuleResult* r : sorted) {
    std::string status;
    std::string message = r->message;
    if (result.misconfigured && r->status != DiveRuleStatus::kMisconfigured) {
      // dive leaves the valid rules in its "configured" state when it stops early.
      status = "CONFIGURED   ";
      message = is_disabled(r->threshold) ? "rule disabled" : "test";
    } else {
      switch (r->status) {
        case DiveRuleStatus::kPass: status = "PASS"; ++passed; break;
        case DiveRuleStatus::kFail: status = "FAIL"; ++failed; break;
        case DiveRuleStatus::kSkip: status = "SKIP"; ++skipped; break;
        case DiveRuleStatus::kMisconfigured: status = "MISCONFIGURED"; break;
      }
    }
    out += "  " + status + ": " + r->id + (message.empty() ? "" : ": " + message) + "\n";
  }
  if (result.misconfigured) {
    out += "CI Misconfigured\n";
  } else {
    out += "Result:" + std::string(failed ? "FAIL" : "PASS") + " [Total:" + std::to_string(result.rules.size()) +
           "] [Passed:" + std::to_string(passed) + "] [Failed:" + std::to_string(failed) + "] [Warn:0] [Skipped:" +
           std::to_string(skipped) + "]\n";
  }
  return out;
}

}  // namespace layerscope

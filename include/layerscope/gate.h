// The CI gate: a policy (budgets, waste limits, dive thresholds, finding severities, config
// requirements) evaluated against an analysis. Each check passes, fails or is skipped; the
// gate fails when any check fails. Renderers (text, JSON, JUnit, SARIF, Markdown, GitHub
// annotations) consume the GateResult; nothing here prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layerscope/analysis.h"
#include "layerscope/findings.h"

namespace layerscope {

struct SizeLimits {
  std::optional<uint64_t> content;     // Σ file bytes of all layers (what `docker images` shows)
  std::optional<uint64_t> compressed;  // Σ blob sizes (the pull)
  std::optional<uint64_t> final_fs;    // bytes visible in the final filesystem
};

struct Policy {
  SizeLimits budget;        // the whole image
  SizeLimits layer_budget;  // any single layer (final_fs does not apply)
  // Waste fails only when BOTH limits are exceeded: a percent alone fails small images on
  // harmless package-database churn, a byte floor alone ignores proportion.
  std::optional<uint64_t> waste_max_bytes;
  std::optional<double> waste_max_percent;  // 0..100, of the content size
  // dive-compatible thresholds (DIVE-COMPAT.md semantics: strict comparisons).
  std::optional<double> min_efficiency;
  std::optional<uint64_t> max_wasted_bytes;
  std::optional<double> max_user_wasted_percent;  // a fraction, 0..1, like dive
  std::optional<Severity> fail_on = Severity::kError;  // findings at or above; nullopt: never
  bool require_non_root = false;
  bool require_healthcheck = false;
  RulesConfig rules;
  std::string source;  // where the policy came from (file path, "flags", "defaults")
};

enum class CheckStatus { kPass, kFail, kSkip };
const char* check_status_name(CheckStatus s);  // "pass" | "fail" | "skip"

struct Violation {
  std::string message;       // one line: what is over the limit
  int layer = -1;
  std::string instruction;
  int dockerfile_line = -1;
  std::string rule;          // for finding violations
  Severity severity = Severity::kError;
  std::vector<FindingPath> paths;  // the top offenders
  std::string fix;
  uint64_t savings_bytes = 0;
};

struct Check {
  std::string id;           // "budget.content", "findings", "dive.lowestEfficiency", …
  std::string title;        // a short human name
  CheckStatus status = CheckStatus::kSkip;
  std::string threshold;    // as configured ("500.0 MB", "0.95", "error")
  std::string actual;       // what was measured, in the same units
  std::string message;      // one sentence
  std::vector<Violation> violations;
  // Size checks: the limit in bytes, exactly (`threshold` is rounded for reading: 500MiB
  // shows as "524.3 MB").
  std::optional<uint64_t> threshold_bytes;
};

struct GateResult {
  bool passed = true;
  bool misconfigured = false;  // a dive CI file with invalid values (dive: "CI Misconfigured")
  std::vector<Check> checks;
  std::string policy_source;
};

}  // namespace layerscope

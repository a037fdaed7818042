// dive's CI gate: its `.dive-ci` file and its three rules, evaluated on layerscope's
// dive-compatible efficiency figures, so a pipeline that gates with `dive --ci` gets the same
// verdict from layerscope. ../shared/DIVE-COMPAT.md ("CI rules and .dive-ci") is the spec;
// docs/dive-compat.md tells users where layerscope deliberately differs.
//
//   DiveCiConfig config = parse_dive_ci(file_text);          // or fill it from flags
//   DiveCiResult result = evaluate_dive_ci(config, analysis.efficiency);
//   std::string text = render_dive_ci(result, analysis.efficiency);  // dive's own output
//   exit code: result.pass ? 0 : 1
//
// Nothing here reads files or prints.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/analysis.h"

namespace layerscope {

// One rule's threshold as written (after defaults): "0.95", "20MB", "disabled", "off", "".
struct DiveRuleSetting {
  std::string value;
  std::string problem;  // non-empty when the file itself makes the rule unusable (e.g. two spellings disagree)
};

// dive's defaults: lowestEfficiency 0.9, highestWastedBytes disabled, highestUserWastedPercent 0.1.
struct DiveCiConfig {
  DiveRuleSetting lowest_efficiency{"0.9", ""};
  DiveRuleSetting highest_wasted_bytes{"disabled", ""};
  DiveRuleSetting highest_user_wasted_percent{"0.1", ""};
};

// Reads a `.dive-ci` YAML document: the `rules` mapping with dive's camelCase keys
// (lowestEfficiency, highestWastedBytes, highestUserWastedPercent) or the kebab-case ones
// (lowest-efficiency or lowest-efficiency-threshold, highest-wasted-bytes,
// highest-user-wasted-percent), keys matched case-insensitively; absent keys keep the
// defaults, other keys are ignored, a null value reads as "" (disabled). Bad values are not
// an error here: evaluate_dive_ci() reports them as misconfigured, as dive does.
// Throws Error(kConfig) when the text is not YAML, or the document or `rules` is not a mapping.
DiveCiConfig parse_dive_ci(std::string_view yaml_text);

enum class DiveRuleStatus : uint8_t {
  kPass,
  kFail,
  kSkip,           // disabled, or not evaluated because another rule is misconfigured
  kMisconfigured,  // the threshold is not a number / size, or a ratio outside [0, 1]
};

const char* dive_rule_status_name(DiveRuleStatus status);  // "pass" | "fail" | "skip" | "misconfigured"

struct DiveRuleResult {
  std::string id;         // dive's rule name: lowestEfficiency | highestWastedBytes | highestUserWastedPercent
  DiveRuleStatus status = DiveRuleStatus::kSkip;
  std::string threshold;  // the setting as configured
  std::string actual;     // the measured value as dive prints it: "0.9844212134184309", "32025", "NaN", "+Inf"
  std::string message;    // dive's message: why it failed, why it is misconfigured, "rule disabled"; "" on pass
};

struct DiveCiResult {
  std::vector<DiveRuleResult> rules;  // always three, in the order of DiveRuleResult::id above
  bool misconfigured = false;         // some rule is misconfigured, so no rule was evaluated
  bool pass = true;                   // no rule failed and none is misconfigured
};

// dive's verdict: thresholds are validated first (any misconfigured rule stops the run and
// fails it); then lowestEfficiency fails iff threshold > score, highestWastedBytes iff
// wasted > threshold, highestUserWastedPercent iff threshold < user wasted percent (so NaN
// passes and +Inf fails). "disabled", "", "off", "false" (any case) skip a rule.
DiveCiResult evaluate_dive_ci(const DiveCiConfig& config, const Efficiency& efficiency);

// The lines `dive --ci` prints for this result: the three figures, the inefficient files,
// one line per rule sorted by name, then the summary or "CI Misconfigured". Plain text, no
// colour; every line ends with '\n'.
std::string render_dive_ci(const DiveCiResult& result, const Efficiency& efficiency);

}  // namespace layerscope

#include "report/trend_util.h"

#include <fmt/format.h>

#include "report/delta_util.h"
#include "util/units.h"

namespace layerscope {

std::string trend_rules_text(const TrendOptions& o) {
  std::string rule;
  if (o.jump_percent > 0) rule += fmt::format("at least {:g}%", o.jump_percent);
  if (o.jump_bytes > 0) rule += (rule.empty() ? "" : " and ") + fmt::format("at least {}", human_bytes(o.jump_bytes));
  if (rule.empty()) rule = "any change";
  return fmt::format("metric {}; significant change: {}; baseline: median of the first {} builds since the last "
                     "flagged change",
                     trend_metric_name(o.metric), rule, o.baseline_builds);
}

std::string trend_event_text(const Trend& t, const TrendEvent& e) {
  const TrendPoint& other = t.points[e.compared_to];
  std::string against = e.against_baseline ? fmt::format("against the baseline (build #{}, {})", other.id, human_bytes(other.value))
                                           : fmt::format("against the previous build #{}", other.id);
  std::string pct = e.percent ? " (" + percent_text(e.percent) + ")" : std::string();
  return fmt::format("{} {}{} {}", trend_event_name(e.kind), human_delta(e.delta), pct, against);
}

std::string trend_gate_text(const Trend& t) {
  if (!t.gate) return "";
  const GrowthGate& g = *t.gate;
  std::string limit = growth_limit_text(g.limit);
  if (!g.evaluated) return fmt::format("growth gate {}: pass (fewer than two builds, nothing to compare)", limit);
  std::string change = fmt::format("{} ({}) against its baseline {}", human_delta(g.delta), percent_text(g.percent),
                                   human_bytes(g.baseline));
  return fmt::format("growth gate {}: {} — the latest build ({}) changed {}", limit, g.failed ? "FAIL" : "pass",
                     human_bytes(g.latest), change);
}

std::string labels_text(const Labels& labels) {
  std::string out;
  for (const auto& [k, v] : labels) out += (out.empty() ? "" : " ") + k + "=" + v;
  return out;
}

}  // namespace layerscope

#include "rules/engine.h"

#include <algorithm>

#include "rules/rule_table.h"

namespace layerscope {

bool is_known_rule(const std::string& id) {
  for (const auto& r : rules::rule_table()) {
    if (r.info.id == id) return true;
  }
  return false;
}

std::vector<Finding> evaluate_rules(const Analysis& analysis, const RulesConfig& config) {
  rules::Claims claims(analysis.indexes);
  rules::Origins origins(analysis);
  std::vector<Finding> out;
  std::vector<size_t> rank;  // rule position of each finding, for a stable order
  const auto& table = rules::rule_table();
  for (size_t r = 0; r < table.size(); ++r) {
    const auto& entry = table[r];
    auto it = config.rules.find(entry.info.id);
    if (it != config.rules.end() && !it->second.enabled) continue;
    Severity sev = it != config.rules.end() && it->second.severity_set ? it->second.severity : entry.info.default_severity;
    rules::RuleContext ctx{analysis, config, claims, origins, entry.info, sev};
    entry.evaluate(ctx, out);
    rank.resize(out.size(), r);
  }
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Finding& x = out[a];
    const Finding& y = out[b];
    if (x.severity != y.severity) return x.severity > y.severity;
    if (x.savings_bytes != y.savings_bytes) return x.savings_bytes > y.savings_bytes;
    if (x.bytes != y.bytes) return x.bytes > y.bytes;
    if (rank[a] != rank[b]) return rank[a] < rank[b];
    return x.layer < y.layer;
  });
  std::vector<Finding> sorted;
  sorted.reserve(out.size());
  for (size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

BudgetProjection project_budget(const Analysis& a, uint64_t budget) {
  BudgetProjection p;
  p.budget_bytes = budget;
  p.current_bytes = a.totals.content_bytes;
  for (size_t i = 0; i < a.findings.size(); ++i) {
    if (a.findings[i].savings_bytes == 0) continue;
    p.savings_bytes += a.findings[i].savings_bytes;
    p.fixes.push_back(i);
  }
  std::stable_sort(p.fixes.begin(), p.fixes.end(), [&](size_t x, size_t y) {
    return a.findings[x].savings_bytes > a.findings[y].savings_bytes;
  });
  p.projected_bytes = p.current_bytes - std::min(p.savings_bytes, p.current_bytes);
  p.fits_now = p.current_bytes <= budget;
  p.fits_after_fixes = p.projected_bytes <= budget;
  return p;
}

}  // namespace layerscope

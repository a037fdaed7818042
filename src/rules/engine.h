// Runs the rule table over an analysis, and the two reports built on the findings: the
// budget projection and the .dockerignore suggestions.
#pragma once

#include <vector>

#include "layerscope/analysis.h"

namespace layerscope {

// Findings sorted by severity (errors first), savings, bytes, rule order, layer.
std::vector<Finding> evaluate_rules(const Analysis& analysis, const RulesConfig& config);

bool is_known_rule(const std::string& id);

BudgetProjection project_budget(const Analysis& analysis, uint64_t budget_bytes);

std::vector<IgnoreSuggestion> suggest_dockerignore(const Analysis& analysis);

}  // namespace layerscope

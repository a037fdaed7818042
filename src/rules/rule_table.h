#pragma once

#include <vector>

#include "rules/rule_context.h"

namespace layerscope::rules {

struct RuleEntry {
  RuleInfo info;
  RuleFn evaluate;
};

const std::vector<RuleEntry>& rule_table();

}  // namespace layerscope::rules

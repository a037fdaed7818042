// The policy file (`.layerscope.yml`, `--config PATH`): YAML, strictly checked. Unknown keys
// and bad values are errors that name the key and the line, because a typo in a CI gate
// that silently disables a limit is worse than a failed build. Schema: docs/policy.md.
#pragma once

#include <string>

#include "layerscope/gate.h"

namespace layerscope {

// Throws Error(kConfig, "FILE:LINE: key: problem").
Policy load_policy_file(const std::string& path);
Policy parse_policy(const std::string& yaml_text, const std::string& name);

}  // namespace layerscope

// Findings: what is bloat or a hygiene problem, where it is, the fix, and what the fix
// saves. Rules are table entries (src/rules/rule_table.cc), each evaluated against the
// analysis; every finding is built from bytes actually present in the layers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace layerscope {

enum class Severity { kInfo = 0, kWarning = 1, kError = 2 };

const char* severity_name(Severity s);               // "info" | "warning" | "error"
bool parse_severity(const std::string& text, Severity* out);

struct FindingPath {
  std::string path;  // absolute
  uint64_t bytes = 0;
  int layer = -1;
  std::string note;  // why this path matched, when it is not obvious ("PEM private key header")
};

struct Finding {
  std::string rule;
  Severity severity = Severity::kWarning;
  int layer = -1;            // the layer to fix (-1: about the image config)
  std::string instruction;   // that layer's instruction
  int dockerfile_line = -1;  // when known
  std::string message;       // one sentence: what was found
  std::vector<FindingPath> paths;  // the biggest few
  uint64_t path_count = 0;   // how many paths matched in all
  uint64_t bytes = 0;        // bytes present in the image
  uint64_t compressed_bytes_est = 0;  // estimated share of the pull size
  uint64_t savings_bytes = 0;  // what the fix removes; no byte is counted in two findings
  std::string fix;
};

struct RuleSettings {
  bool enabled = true;
  bool severity_set = false;
  Severity severity = Severity::kWarning;  // used when severity_set
  std::vector<std::string> allow;          // glob patterns of absolute paths to ignore
};

struct RulesConfig {
  std::map<std::string, RuleSettings> rules;   // by rule id
  uint64_t large_file_bytes = 50'000'000;      // large-file threshold
  uint64_t duplicate_min_bytes = 1;            // smallest file the duplicate rule reports
  size_t max_paths = 5;                        // paths listed per finding
};

struct RuleInfo {
  std::string id;
  Severity default_severity;
  std::string title;
  std::string help;
};

// Every rule, in evaluation (and savings-claiming) order.
const std::vector<RuleInfo>& rule_catalog();

// What the image would weigh after every fix: `--budget 500MB`. The size compared is the
// content size (Σ file bytes in all layers, what `docker images` shows).
struct BudgetProjection {
  uint64_t budget_bytes = 0;
  uint64_t current_bytes = 0;
  uint64_t savings_bytes = 0;
  uint64_t projected_bytes = 0;
  bool fits_now = false;
  bool fits_after_fixes = false;
  std::vector<size_t> fixes;  // indexes into Analysis::findings with savings, largest first
};

// `.dockerignore` lines for build-context junk found in COPY/ADD layers.
struct IgnoreSuggestion {
  std::string pattern;  // ".git", "tests/", "**/__pycache__", ".env", "*.md"…
  uint64_t bytes = 0;
  uint64_t files = 0;
  std::vector<int> layers;
  std::string reason;
};

}  // namespace layerscope

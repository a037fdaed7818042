// CI-native renderings of a gate result: JUnit XML for test reporters, SARIF 2.1.0 for code
// scanning, a Markdown PR comment / step summary, GitHub workflow-command annotations, the
// JSON `gate` object and the terminal summary. Each is a pure function of its arguments: the
// same analysis and gate give the same bytes (no clock, no host, no environment), so CI
// artifacts can be diffed and golden-tested. Nothing here prints; src/cli/ writes the files.
#pragma once

#include <string>
#include <string_view>

#include "layerscope/analysis.h"
#include "layerscope/gate.h"

namespace layerscope {

// Where results point. Both strings are kept as the user wrote them on the command line so
// that paths in SARIF and annotations are relative to where CI ran the command (the
// repository root in GitHub Actions and GitLab CI), which is what code scanning resolves.
struct SarifOptions {
  std::string dockerfile;       // --dockerfile PATH; "" when not given
  std::string image_reference;  // "" = Analysis::image.reference
};

// JUnit XML: one <testcase> per check, one <failure> per violation, <skipped/> for skipped
// checks (Ant/Jenkins conventions; validated against tests/schemas/junit-10.xsd).
std::string render_gate_junit(const Analysis& a, const GateResult& g);

// SARIF 2.1.0 (OASIS): rules = the finding rules plus the gate checks, one result per
// violation, located at the Dockerfile line when known, else at the image reference.
std::string render_gate_sarif(const Analysis& a, const GateResult& g, const SarifOptions& o);

// GitHub-flavoured Markdown for a PR comment or $GITHUB_STEP_SUMMARY.
std::string render_gate_markdown(const Analysis& a, const GateResult& g, const SarifOptions& o);

// GitHub Actions workflow commands, one line each:
// `::error file=Dockerfile,line=12,title=…::message` (warning / notice for lower severities).
std::string render_github_annotations(const Analysis& a, const GateResult& g, const SarifOptions& o);

// The terminal summary of `layerscope check`.
std::string render_gate_text(const Analysis& a, const GateResult& g, const SarifOptions& o);

// The `gate` object of the JSON report, as a JSON text (pretty-printed, no trailing newline).
std::string render_gate_json(const Analysis& a, const GateResult& g);

// render_json(a) with `"gate": {…}` appended as the last key: the full machine report of
// `layerscope check --output json=PATH`.
std::string render_json_with_gate(const Analysis& a, const GateResult& g);

// GitHub workflow-command escaping (actions/toolkit `escapeData` / `escapeProperty`):
// data escapes %, CR and LF; properties also escape ':' and ','.
std::string github_escape_data(std::string_view s);
std::string github_escape_property(std::string_view s);

}  // namespace layerscope

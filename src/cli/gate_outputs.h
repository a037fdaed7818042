// The CI outputs of `layerscope check`: `--output FORMAT=PATH` (repeatable, several formats
// in one run) and GitHub Actions mode (`--github`, or GITHUB_ACTIONS=true as the runner sets
// it): the Markdown summary is appended to $GITHUB_STEP_SUMMARY and the violations are
// printed as workflow-command annotations. The renderers live in layerscope_core
// (layerscope/gate_report.h); this file only parses the specs and writes.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "layerscope/gate_report.h"

namespace layerscope::cli {

enum class GateFormat { kJunit, kSarif, kMarkdown, kJson, kText };

const char* gate_format_name(GateFormat f);  // "junit" | "sarif" | "markdown" | "json" | "text"

struct OutputSpec {
  GateFormat format;
  std::string path;  // "-" = stdout
};

// "junit=report.xml" -> {kJunit, "report.xml"}. Throws Error(kUsage) for a missing '=', an
// empty path or an unknown format, naming the spec and the formats there are.
OutputSpec parse_output_spec(const std::string& spec);

// Every spec, checked before anything is written so a typo in the third spec does not leave
// two files behind. Two specs writing to the same path (stdout included) are a usage error.
std::vector<OutputSpec> parse_output_specs(const std::vector<std::string>& specs);

std::string render_gate_output(GateFormat f, const Analysis& a, const GateResult& g, const SarifOptions& o);

// What GitHub mode needs from the environment, read once so tests can supply their own.
struct GithubEnv {
  bool actions = false;      // GITHUB_ACTIONS == "true"
  std::string step_summary;  // $GITHUB_STEP_SUMMARY, "" when unset
};
GithubEnv github_env_from_process();

// Parses the specs, writes each file, and in GitHub mode (`github` or env.actions) appends
// the Markdown to env.step_summary (when set) and writes the annotations to `annotations`.
// Throws Error(kUsage) for a bad spec, Error(kIo) when a file cannot be written.
void write_gate_outputs(const std::vector<std::string>& specs, bool github, const Analysis& a, const GateResult& g,
                        const SarifOptions& o, const GithubEnv& env, std::ostream& annotations);

// The same, with the process environment. Annotations go to stdout, or to stderr when stdout
// carries a machine-readable report (`stdout_reserved`, e.g. --format json, or an
// `--output FORMAT=-`): the Actions runner reads workflow commands from both streams, and a
// JSON document on stdout must stay parseable.
void write_gate_outputs(const std::vector<std::string>& specs, bool github, const Analysis& a, const GateResult& g,
                        const SarifOptions& o, bool stdout_reserved = false);

}  // namespace layerscope::cli

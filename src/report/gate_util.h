// Helpers shared by the gate renderers (JUnit, SARIF, Markdown, annotations, text, JSON), so
// every format agrees on what a status is called, which severity a violation carries, where
// it points and how its text is cleaned.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/gate.h"
#include "layerscope/gate_report.h"

namespace layerscope::gate_util {

// SARIF's toolComponent.informationUri must be an absolute URI. The project has no public
// home page yet; this is the one place to change when it gets one.
inline constexpr char kInformationUri[] = "https://github.com/layerscope/layerscope";

// Size checks (budget.*, layer_budget.*) compare bytes; a failed one is always an error.
bool is_size_check(const Check& c);

// The `findings` check fails on findings: each violation is one, reported under its own rule
// and severity. Every other check (budgets, waste, dive, require.*) fails the gate as a whole;
// its violations explain the failure (the largest layers, the fixes that would bring the image
// back under the limit), so they are reported under the check's id, as errors.
bool is_findings_check(const Check& c);
Severity effective_severity(const Check& c, const Violation& v);
const std::string& rule_id(const Check& c, const Violation& v);

// One line that stands alone (a SARIF message, an annotation, a JUnit failure message): the
// violation, prefixed with the check's own message when the violation only explains it
// ("825.9 MB exceeds the 500.0 MB budget by 325.9 MB — 30 files (135.2 MB) of the pip cache").
std::string violation_headline(const Check& c, const Violation& v);

struct Counts {
  size_t pass = 0, fail = 0, skip = 0;
};
Counts count(const GateResult& g);

// The violations of a failed check. A failed check that carries none still gets one, built
// from its message, so that every failure shows up in every format.
std::vector<Violation> failed_violations(const Check& c);

// The image as people call it: its name ("acme/api:1.4"), a bare OCI ref name qualified by
// the file it came from ("app.oci.tar:1.4"), else the reference.
std::string image_label(const Analysis& a);
std::string image_reference(const Analysis& a, const SarifOptions& o);
std::string dockerfile_display(const SarifOptions& o);  // the path given, or "Dockerfile"

// A violation points into the Dockerfile only when the user named one and the line is known.
bool points_at_dockerfile(const Violation& v, const SarifOptions& o);

// "layer 6, Dockerfile:14" / "layer 6" / "image"
std::string where(const Violation& v, const SarifOptions& o);

// Layer index -> Dockerfile line, from every finding and violation that knows both.
std::map<int, int> dockerfile_lines(const Analysis& a, const GateResult& g);

// Text from images (paths, history) is arbitrary bytes: invalid UTF-8 becomes U+FFFD so XML,
// JSON and Markdown consumers never choke. one_line() also turns CR/LF/TAB into spaces and
// drops the other control characters.
std::string valid_utf8(std::string_view s);
std::string one_line(std::string_view s);

// Escapes for XML (and HTML) element content (attr = false) or a double-quoted attribute
// value (attr = true): valid_utf8, then & < > (and " in attributes) as references. In
// attributes, whitespace characters are written as references so that attribute-value
// normalisation (XML 1.0 §3.3.3) does not turn newlines into spaces. Control characters
// other than TAB/LF/CR are dropped: XML 1.0 cannot carry them even as references.
std::string xml_escape(std::string_view raw, bool attr);

// "fix text (saves 12.3 MB)", "" without a fix.
std::string fix_with_savings(const Violation& v);

// The check's message; a skipped check without one was not configured.
std::string check_message(const Check& c);

// What a gate check measures and how to fix a failure, for SARIF rule help and Markdown.
std::string check_help(const Check& c);

// All violations of failed checks, paired with their check: errors first, then by savings,
// then in the order the gate produced them.
struct RankedViolation {
  const Check* check;
  Violation violation;
};
std::vector<RankedViolation> ranked_violations(const GateResult& g);

}  // namespace layerscope::gate_util

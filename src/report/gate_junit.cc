// JUnit XML for CI test reporters: GitLab (`artifacts:reports:junit`), Jenkins (junit and
// xunit plugins) and the GitHub test-report actions. JUnit XML has no formal standard; this
// follows the Apache Ant conventions those tools read, as Jenkins' xunit plugin writes them
// down in junit-10.xsd (committed as tests/schemas/junit-10.xsd and validated against):
// <testsuites>/<testsuite tests failures errors skipped time>/<testcase classname name time>
// holding <failure message type>text</failure>, <error …>, <skipped/> or <system-out>.
//
// Mapping: the gate is one suite, every check one test case, every violation one <failure>
// (readers that show a single failure per test show the first: the largest offender comes
// first in each check). `failures` counts failed test cases, not <failure> elements, as
// Ant does. A policy that could not be applied (GateResult::misconfigured) is an <error>.
// time="0" everywhere: the gate takes no measurable time, and a clock would break
// reproducible output. XML 1.0 cannot carry most control characters even as references, so
// they are dropped; invalid UTF-8 becomes U+FFFD.
#include <fmt/format.h>

#include "layerscope/gate_report.h"
#include "report/gate_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

using namespace gate_util;

std::string attr(std::string_view s) { return xml_escape(s, true); }
std::string text(std::string_view s) { return xml_escape(s, false); }

// The readable body of a <failure>: everything a developer needs without opening the image.
std::string failure_body(const Check& c, const Violation& v) {
  std::string b;
  b += fmt::format("check: {} ({})\n", c.id, one_line(c.title));
  if (!c.threshold.empty()) b += fmt::format("threshold: {}\n", one_line(c.threshold));
  if (!c.actual.empty()) b += fmt::format("actual: {}\n", one_line(c.actual));
  if (!v.rule.empty()) b += fmt::format("rule: {} ({})\n", v.rule, severity_name(v.severity));
  if (v.layer >= 0) b += fmt::format("layer: {}\n", v.layer);
  if (!v.instruction.empty()) b += fmt::format("instruction: {}\n", one_line(v.instruction));
  if (v.dockerfile_line > 0) b += fmt::format("dockerfile line: {}\n", v.dockerfile_line);
  if (!v.paths.empty()) {
    b += "paths:\n";
    for (const auto& p : v.paths) {
      b += fmt::format("  {:>10}  {}", human_bytes(p.bytes), one_line(p.path));
      if (!p.note.empty()) b += "  (" + one_line(p.note) + ")";
      b += "\n";
    }
  }
  if (!v.fix.empty()) b += "fix: " + fix_with_savings(v) + "\n";
  return b;
}

std::string summary_line(const Check& c) {
  std::string s;
  if (!c.threshold.empty()) s += "threshold: " + one_line(c.threshold) + "\n";
  if (!c.actual.empty()) s += "actual: " + one_line(c.actual) + "\n";
  if (!c.message.empty()) s += one_line(c.message) + "\n";
  return s;
}

}  // namespace

std::string render_gate_junit(const Analysis& a, const GateResult& g) {
  const Counts n = count(g);
  const size_t errors = g.misconfigured ? 1 : 0;
  const size_t tests = g.checks.size() + errors;
  const std::string classname = "layerscope." + image_label(a);

  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites name=\"layerscope\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"0\">\n", tests,
                     n.fail, errors);
  out += fmt::format(
      "  <testsuite name=\"layerscope check\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\">\n",
      tests, n.fail, errors, n.skip);
  out += "    <properties>\n";
  auto property = [&](const char* name, const std::string& value) {
    out += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", name, attr(value));
  };
  property("image.reference", a.image.reference);
  property("image.name", a.image.name);
  property("image.platform", a.image.platform);
  property("image.content_bytes", std::to_string(a.totals.content_bytes));
  property("image.compressed_bytes", std::to_string(a.totals.compressed_bytes));
  property("image.final_bytes", std::to_string(a.totals.final_bytes));
  property("policy", g.policy_source);
  property("gate", g.passed ? "passed" : "failed");
  out += "    </properties>\n";

  if (g.misconfigured) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"policy\" time=\"0\">\n", attr(classname));
    std::string msg = "the policy (" + (g.policy_source.empty() ? std::string("defaults") : g.policy_source) +
                      ") has invalid values, so the gate could not be applied as configured";
    out += fmt::format("      <error message=\"{}\" type=\"misconfigured\">{}</error>\n", attr(msg), text(msg + "\n"));
    out += "    </testcase>\n";
  }
  for (const auto& c : g.checks) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\">\n", attr(classname), attr(c.id));
    switch (c.status) {
      case CheckStatus::kFail:
        for (const auto& v : failed_violations(c)) {
          out += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n", attr(violation_headline(c, v)),
                             attr(rule_id(c, v)), text(failure_body(c, v)));
        }
        break;
      case CheckStatus::kSkip:
        out += fmt::format("      <skipped message=\"{}\"/>\n", attr(check_message(c)));
        break;
      case CheckStatus::kPass:
        break;
    }
    if (c.status != CheckStatus::kSkip) {
      std::string s = summary_line(c);
      if (!s.empty()) out += "      <system-out>" + text(s) + "</system-out>\n";
    }
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace layerscope

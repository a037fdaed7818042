// The terminal summary of `layerscope check`: the verdict first, then every failed check
// with its offenders (the layer, its instruction and Dockerfile line, the largest paths, the
// fix and what it saves), then one line per passing or skipped check, so a failing CI log
// says what to change without scrolling. Sizes are SI (1 MB = 1,000,000 bytes).
#include <fmt/format.h>

#include "layerscope/gate_report.h"
#include "report/gate_util.h"
#include "report/text_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

using namespace gate_util;

constexpr size_t kViolationsShown = 10;
constexpr size_t kIdWidth = 26;

const char* label(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass: return "pass";
    case CheckStatus::kFail: return "FAIL";
    case CheckStatus::kSkip: return "skip";
  }
  return "skip";
}

std::string measured(const Check& c) {
  if (c.actual.empty() && c.threshold.empty()) return "";
  return fmt::format("  [actual {}, threshold {}]", c.actual.empty() ? "?" : one_line(c.actual),
                     c.threshold.empty() ? "?" : one_line(c.threshold));
}

void violation(std::string& out, const Check& c, const Violation& v, const SarifOptions& o) {
  // A failed check without violations gets one made of its own message: already printed.
  if (v.message == c.message && v.layer < 0 && v.paths.empty() && v.fix.empty()) return;
  std::string rule = v.rule.empty() ? "" : fmt::format("{} ({}): ", v.rule, severity_name(v.severity));
  out += fmt::format("      - {}{}\n", rule, fit(one_line(v.message), 160));
  if (v.layer >= 0 || v.dockerfile_line > 0) {
    std::string instr = v.instruction.empty() ? "" : "  " + fit(one_line(v.instruction), 100);
    out += fmt::format("        {}{}\n", where(v, o), instr);
  }
  for (const auto& p : v.paths) {
    std::string note = p.note.empty() ? "" : "  (" + one_line(p.note) + ")";
    out += fmt::format("          {:>10}  {}{}\n", human_bytes(p.bytes), fit(one_line(p.path), 100), note);
  }
  if (!v.fix.empty()) out += "        fix: " + fix_with_savings(v) + "\n";
}

}  // namespace

std::string render_gate_text(const Analysis& a, const GateResult& g, const SarifOptions& o) {
  const Counts n = count(g);
  std::string out;
  std::string verdict = g.misconfigured ? "MISCONFIGURED" : g.passed ? "PASSED" : "FAILED";
  out += fmt::format("layerscope check: {} ({} of {} checks failed, {} passed, {} skipped; policy: {})\n", verdict,
                     n.fail, g.checks.size(), n.pass, n.skip,
                     g.policy_source.empty() ? "defaults" : one_line(g.policy_source));
  std::string name = a.image.name.empty() ? "" : "  " + one_line(a.image.name);
  std::string platform = a.image.platform.empty() ? "" : "  " + a.image.platform;
  out += fmt::format("Image  {}{}{}\n", one_line(image_reference(a, o)), name, platform);
  out += fmt::format("Sizes  content {} · compressed {} · final {}  (1 MB = 1,000,000 bytes)\n",
                     human_bytes(a.totals.content_bytes), human_bytes(a.totals.compressed_bytes),
                     human_bytes(a.totals.final_bytes));
  if (g.misconfigured) {
    out += "\nThe policy has invalid values: the gate could not be applied as configured.\n";
  }

  if (n.fail) out += "\n";
  for (const auto& c : g.checks) {
    if (c.status != CheckStatus::kFail) continue;
    std::string title = c.title.empty() ? "" : "  " + one_line(c.title);
    out += fmt::format("FAIL  {}{}\n", c.id, title);
    if (!c.message.empty() || !c.actual.empty()) out += fmt::format("      {}{}\n", one_line(c.message), measured(c));
    auto vs = failed_violations(c);
    for (size_t i = 0; i < vs.size() && i < kViolationsShown; ++i) violation(out, c, vs[i], o);
    if (vs.size() > kViolationsShown) {
      out += fmt::format("      … {} more (see the JSON, SARIF or JUnit output)\n", vs.size() - kViolationsShown);
    }
  }

  if (n.pass + n.skip) out += "\n";
  for (const auto& c : g.checks) {
    if (c.status == CheckStatus::kFail) continue;
    std::string what = check_message(c);
    if (c.status == CheckStatus::kPass && !c.actual.empty()) what += measured(c);
    out += fmt::format("{}  {} {}\n", label(c.status), pad_right(c.id, kIdWidth), what);
  }
  return out;
}

}  // namespace layerscope

// GitHub Actions workflow commands ("Workflow commands for GitHub Actions": setting an
// error / warning / notice message): `::error file=F,line=N,title=T::message`, one line per
// violation, printed to stdout by the check command when it runs in GitHub Actions. The
// runner turns them into annotations on the Dockerfile line in the pull request.
//
// Escaping follows the runner's parser (actions/toolkit command.ts): in the message, '%',
// CR and LF become %25, %0D, %0A (so a multi-line message survives); in property values ':'
// and ',' also become %3A and %2C, since they delimit the properties. Without escaping, a
// path or a message holding "::" or a newline could end the command early or inject another
// one. A violation gets `file`/`line` only when a Dockerfile was given and its line is known;
// otherwise the annotation belongs to the job. Errors come first because the runner shows a
// limited number of annotations per step.
#include <algorithm>

#include "layerscope/gate_report.h"
#include "report/gate_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

using namespace gate_util;

const char* command_for(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "notice";
  }
  return "warning";
}

std::string escape(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out.push_back(c);
    }
  }
  return out;
}

}  // namespace

std::string github_escape_data(std::string_view s) { return escape(s, false); }
std::string github_escape_property(std::string_view s) { return escape(s, true); }

std::string render_github_annotations(const Analysis& /*a*/, const GateResult& g, const SarifOptions& o) {
  struct Item {
    Severity severity;
    const Check* check;
    Violation violation;
  };
  std::vector<Item> items;
  for (const auto& c : g.checks) {
    for (auto& v : failed_violations(c)) items.push_back({effective_severity(c, v), &c, std::move(v)});
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& x, const Item& y) { return x.severity > y.severity; });

  std::string out;
  if (g.misconfigured) {
    out += "::error title=" + github_escape_property("layerscope: policy") + "::" +
           github_escape_data("the policy (" + (g.policy_source.empty() ? std::string("defaults") : g.policy_source) +
                              ") has invalid values") +
           "\n";
  }
  for (const auto& it : items) {
    const Violation& v = it.violation;
    std::string props;
    if (points_at_dockerfile(v, o)) {
      props += "file=" + github_escape_property(valid_utf8(o.dockerfile)) + ",line=" + std::to_string(v.dockerfile_line) + ",";
    }
    const std::string& rule = rule_id(*it.check, v);
    std::string title = "layerscope " + rule + (rule == it.check->id ? "" : " (" + it.check->id + ")");
    props += "title=" + github_escape_property(title);

    std::string msg = violation_headline(*it.check, v);
    if (v.layer >= 0) {
      msg += "\nlayer " + std::to_string(v.layer);
      if (!v.instruction.empty()) msg += ": " + one_line(v.instruction);
    }
    for (const auto& p : v.paths) msg += "\n  " + human_bytes(p.bytes) + "  " + one_line(p.path);
    if (!v.fix.empty()) msg += "\nfix: " + fix_with_savings(v);
    out += "::" + std::string(command_for(it.severity)) + " " + props + "::" + github_escape_data(msg) + "\n";
  }
  return out;
}

}  // namespace layerscope

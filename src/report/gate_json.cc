// The `gate` object of the canonical JSON report (docs/ci.md documents its fields): the
// verdict, then every check with its id, status, threshold and measured value, and its
// violations with the same fields as a finding. Like render_json, key order is fixed and
// sizes are integer bytes: a size check also carries `actual_bytes` (exact, from the
// analysis) and `threshold_bytes` (the configured limit, exactly).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>

#include "layerscope/gate_report.h"
#include "layerscope/report.h"
#include "report/gate_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;
using namespace gate_util;

// The measured bytes of a size check, straight from the analysis (no rounding).
std::optional<uint64_t> actual_bytes(const Analysis& a, const Check& c) {
  auto largest_layer = [&](auto member) {
    uint64_t m = 0;
    for (const auto& l : a.layers) m = std::max<uint64_t>(m, l.*member);
    return m;
  };
  const std::string_view kind = std::string_view(c.id).substr(c.id.find('.') + 1);
  if (c.id.rfind("budget.", 0) == 0) {
    if (kind == "content") return a.totals.content_bytes;
    if (kind == "compressed") return a.totals.compressed_bytes;
    if (kind == "final" || kind == "final_fs") return a.totals.final_bytes;
  } else if (is_size_check(c)) {
    if (kind == "content") return largest_layer(&LayerReport::content_bytes);
    if (kind == "compressed") return largest_layer(&LayerReport::compressed_bytes);
  }
  return std::nullopt;
}

json violation_json(const Check& c, const Violation& v) {
  json paths = json::array();
  for (const auto& p : v.paths) {
    json jp{{"path", valid_utf8(p.path)}, {"bytes", p.bytes}, {"layer", p.layer}};
    if (!p.note.empty()) jp["note"] = valid_utf8(p.note);
    paths.push_back(jp);
  }
  json j;
  j["message"] = valid_utf8(v.message);
  j["rule"] = v.rule.empty() ? json(nullptr) : json(v.rule);
  j["severity"] = severity_name(effective_severity(c, v));
  j["layer"] = v.layer;
  j["instruction"] = valid_utf8(v.instruction);
  j["dockerfile_line"] = v.dockerfile_line > 0 ? json(v.dockerfile_line) : json(nullptr);
  j["paths"] = paths;
  j["fix"] = valid_utf8(v.fix);
  j["savings_bytes"] = v.savings_bytes;
  return j;
}

json gate_object(const Analysis& a, const GateResult& g) {
  const Counts n = count(g);
  json checks = json::array();
  for (const auto& c : g.checks) {
    json j;
    j["id"] = c.id;
    j["title"] = valid_utf8(c.title);
    j["status"] = check_status_name(c.status);
    j["threshold"] = valid_utf8(c.threshold);
    j["actual"] = valid_utf8(c.actual);
    if (is_size_check(c)) {
      j["threshold_bytes"] = c.threshold_bytes ? json(*c.threshold_bytes) : json(nullptr);
      auto m = actual_bytes(a, c);
      j["actual_bytes"] = m ? json(*m) : json(nullptr);
    }
    j["message"] = valid_utf8(c.message);
    json vs = json::array();
    for (const auto& v : c.violations) vs.push_back(violation_json(c, v));
    j["violations"] = vs;
    checks.push_back(j);
  }
  json gate;
  gate["passed"] = g.passed;
  gate["misconfigured"] = g.misconfigured;
  gate["policy"] = valid_utf8(g.policy_source);
  gate["summary"] = {{"checks", g.checks.size()}, {"failed", n.fail}, {"passed", n.pass}, {"skipped", n.skip}};
  gate["checks"] = checks;
  return gate;
}

}  // namespace

std::string render_gate_json(const Analysis& a, const GateResult& g) {
  return gate_object(a, g).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_json_with_gate(const Analysis& a, const GateResult& g) {
  // Re-reading our own output keeps render_json the single definition of the report's
  // fields and order; ordered_json preserves that order, and "gate" goes last.
  json report = json::parse(render_json(a));
  report["gate"] = gate_object(a, g);
  return report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

#include "report/policy_file.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <set>
#include <sstream>

#include "layerscope/error.h"
#include "rules/engine.h"
#include "util/units.h"

namespace layerscope {

namespace {

class Reader {
 public:
  explicit Reader(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key, const std::string& why) const {
    std::string where = name_;
    if (node.Mark().line >= 0) where += ":" + std::to_string(node.Mark().line + 1);
    throw Error(ErrorKind::kConfig, where + ": " + key + ": " + why);
  }

  void expect_map(const YAML::Node& node, const std::string& key, const std::set<std::string>& allowed) const {
    if (!node.IsMap()) fail(node, key, "expected a mapping");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string k = it->first.as<std::string>();
      if (!allowed.count(k)) {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        fail(it->first, key.empty() ? k : key + "." + k, "unknown key (expected one of: " + list + ")");
      }
    }
  }

  std::string scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(node, key, "expected a single value");
    return node.Scalar();
  }

  uint64_t size(const YAML::Node& node, const std::string& key) const {
    std::string s = scalar(node, key);
    auto v = parse_byte_size(s);
    if (!v) fail(node, key, "not a size: '" + s + "' (examples: 500MB, 0.5GiB, 1200000)");
    return *v;
  }

  double number(const YAML::Node& node, const std::string& key, double lo, double hi) const {
    std::string s = scalar(node, key);
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0') fail(node, key, "not a number: '" + s + "'");
    if (v < lo || v > hi) {
      std::ostringstream range;
      range << "out of range [" << lo << ", " << hi << "]: " << s;
      fail(node, key, range.str());
    }
    return v;
  }

  bool boolean(const YAML::Node& node, const std::string& key) const {
    std::string s = scalar(node, key);
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(node, key, "expected true or false, got '" + s + "'");
  }

  Severity severity(const YAML::Node& node, const std::string& key) const {
    Severity sev;
    std::string s = scalar(node, key);
    if (!parse_severity(s, &sev)) fail(node, key, "expected error, warning or info, got '" + s + "'");
    return sev;
  }

  void limits(const YAML::Node& node, const std::string& key, SizeLimits& out, bool allow_final) const {
    std::set<std::string> keys = {"content", "compressed"};
    if (allow_final) keys.insert("final");
    expect_map(node, key, keys);
    if (node["content"]) out.content = size(node["content"], key + ".content");
    if (node["compressed"]) out.compressed = size(node["compressed"], key + ".compressed");
    if (allow_final && node["final"]) out.final_fs = size(node["final"], key + ".final");
  }

  void rules(const YAML::Node& node, RulesConfig& out) const {
    if (!node.IsMap()) fail(node, "rules", "expected a mapping of rule ids");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string id = it->first.as<std::string>();
      std::string key = "rules." + id;
      if (!is_known_rule(id)) fail(it->first, key, "unknown rule (see `layerscope rules`)");
      const YAML::Node& r = it->second;
      expect_map(r, key, {"enabled", "severity", "allow", "threshold", "min_bytes"});
      RuleSettings& s = out.rules[id];
      if (r["enabled"]) s.enabled = boolean(r["enabled"], key + ".enabled");
      if (r["severity"]) {
        s.severity = severity(r["severity"], key + ".severity");
        s.severity_set = true;
      }
      if (r["allow"]) {
        if (!r["allow"].IsSequence()) fail(r["allow"], key + ".allow", "expected a list of path patterns");
        for (const auto& p : r["allow"]) s.allow.push_back(scalar(p, key + ".allow"));
      }
      if (r["threshold"]) {
        if (id != "large-file") fail(r["threshold"], key + ".threshold", "only large-file takes a threshold");
        out.large_file_bytes = size(r["threshold"], key + ".threshold");
      }
      if (r["min_bytes"]) {
        if (id != "duplicate-content") fail(r["min_bytes"], key + ".min_bytes", "only duplicate-content takes min_bytes");
        out.duplicate_min_bytes = size(r["min_bytes"], key + ".min_bytes");
      }
    }
  }

 private:
  std::string name_;
};

}  // namespace

Policy parse_policy(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error(ErrorKind::kConfig, name + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
  }
  Policy p;
  p.source = name;
  if (root.IsNull()) return p;
  Reader r(name);
  r.expect_map(root, "", {"budget", "layer_budget", "waste", "dive", "fail_on", "require", "rules"});
  if (root["budget"]) r.limits(root["budget"], "budget", p.budget, true);
  if (root["layer_budget"]) r.limits(root["layer_budget"], "layer_budget", p.layer_budget, false);
  if (const YAML::Node w = root["waste"]) {
    r.expect_map(w, "waste", {"max_bytes", "max_percent"});
    if (w["max_bytes"]) p.waste_max_bytes = r.size(w["max_bytes"], "waste.max_bytes");
    if (w["max_percent"]) p.waste_max_percent = r.number(w["max_percent"], "waste.max_percent", 0, 100);
  }
  if (const YAML::Node d = root["dive"]) {
    r.expect_map(d, "dive", {"lowest_efficiency", "highest_wasted_bytes", "highest_user_wasted_percent"});
    if (d["lowest_efficiency"]) p.min_efficiency = r.number(d["lowest_efficiency"], "dive.lowest_efficiency", 0, 1);
    if (d["highest_wasted_bytes"]) p.max_wasted_bytes = r.size(d["highest_wasted_bytes"], "dive.highest_wasted_bytes");
    if (d["highest_user_wasted_percent"]) {
      p.max_user_wasted_percent = r.number(d["highest_user_wasted_percent"], "dive.highest_user_wasted_percent", 0, 1);
    }
  }
  if (const YAML::Node f = root["fail_on"]) {
    std::string s = r.scalar(f, "fail_on");
    if (s == "none") p.fail_on.reset();
    else p.fail_on = r.severity(f, "fail_on");
  }
  if (const YAML::Node q = root["require"]) {
    r.expect_map(q, "require", {"non_root", "healthcheck"});
    if (q["non_root"]) p.require_non_root = r.boolean(q["non_root"], "require.non_root");
    if (q["healthcheck"]) p.require_healthcheck = r.boolean(q["healthcheck"], "require.healthcheck");
  }
  if (root["rules"]) r.rules(root["rules"], p.rules);
  return p;
}

Policy load_policy_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorKind::kConfig, path + ": cannot read the policy file");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_policy(ss.str(), path);
}

}  // namespace layerscope

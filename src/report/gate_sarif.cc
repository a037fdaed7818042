// SARIF 2.1.0 (OASIS Standard, "Static Analysis Results Interchange Format Version 2.1.0"),
// the format GitHub code scanning and other result viewers ingest. Validated against the
// OASIS schema in tests/schemas/sarif-schema-2.1.0.json. Sections used:
//  - §3.13 sarifLog, §3.14 run, §3.18/3.19 tool and toolComponent (driver name, version,
//    informationUri, rules);
//  - §3.49 reportingDescriptor: one rule per finding rule (rule_catalog()) and per gate check
//    ("budget.content", …), each with shortDescription, fullDescription, help (text and
//    markdown) and defaultConfiguration.level;
//  - §3.27 result: one per violation of a failed check, with ruleId/ruleIndex, level
//    (§3.27.10: error / warning / note from the severity; a failed size check is an error),
//    message, locations and partialFingerprints (§3.27.17);
//  - §3.28-3.30 location / physicalLocation / region: the Dockerfile (the path as the user
//    gave it, as a relative URI reference, §3.10.2) with region.startLine when the line is
//    known; otherwise the image reference as a relative path. A scheme such as
//    `docker-archive:` would be a valid URI, but GitHub's upload rejects location URIs with
//    an unknown scheme, so the transport prefix is dropped; the full reference stays in
//    logicalLocations (§3.33) and in run.properties.
// Fingerprints hash the rule, the check, the instruction text and the top path, not the
// layer index or the line, so an alert survives an unrelated Dockerfile edit above it.
#include <nlohmann/json.hpp>

#include <cctype>
#include <map>

#include "layerscope/gate_report.h"
#include "layerscope_version.h"
#include "report/gate_util.h"
#include "report/text_util.h"
#include "util/digest.h"
#include "util/units.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;
using namespace gate_util;

constexpr char kSarifSchema[] = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
constexpr char kFingerprintKey[] = "layerscope/v1";

const char* sarif_level(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "note";
  }
  return "warning";
}

// "pip-cache" -> "PipCache", "dive.lowestEfficiency" -> "DiveLowestEfficiency".
std::string pascal_case(std::string_view id) {
  std::string out;
  bool up = true;
  for (char c : id) {
    if (c == '-' || c == '.' || c == '_' || c == ' ') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

// A path as a URI reference (RFC 3986 §4.1): backslashes become slashes, bytes outside the
// unreserved and sub-delimiter sets are percent-encoded, an absolute path becomes a file:
// URI, and "./" keeps a ':' in the first segment from reading as a scheme.
std::string uri_reference(std::string_view raw) {
  std::string path(raw);
  for (char& c : path) {
    if (c == '\\') c = '/';
  }
  std::string out;
  bool drive = path.size() >= 3 && std::isalpha(static_cast<unsigned char>(path[0])) && path[1] == ':' && path[2] == '/';
  if (!path.empty() && path[0] == '/') out = "file://";
  else if (drive) out = "file:///";
  static constexpr std::string_view kKeep = "-._~!$&'()*+,;=:@/";
  for (unsigned char c : path) {
    if (std::isalnum(c) || kKeep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (out.empty()) return "image";
  if (out.compare(0, 5, "file:") != 0) {
    size_t colon = out.find(':');
    size_t slash = out.find('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) out = "./" + out;
  }
  return out;
}

// The part of an image reference that names a file or repository, without the transport:
// docker-archive:PATH[:name:tag], oci:DIR[:ref], oci-archive:PATH[:ref], dir:PATH,
// docker://REGISTRY/REPO[:tag][@digest]; a bare path stays as it is.
std::string image_path(std::string_view ref) {
  static constexpr std::string_view kRegistry = "docker://";
  if (ref.substr(0, kRegistry.size()) == kRegistry) return std::string(ref.substr(kRegistry.size()));
  for (std::string_view t : {"docker-archive:", "oci-archive:", "oci:", "dir:"}) {
    if (ref.substr(0, t.size()) == t) {
      std::string_view rest = ref.substr(t.size());
      return std::string(rest.substr(0, rest.find(':')));
    }
  }
  return std::string(ref);
}

json message(std::string text) { return json{{"text", std::move(text)}}; }

json rule_json(const std::string& id, const std::string& title, const std::string& full, const std::string& help_text,
               const std::string& help_markdown, Severity level, std::vector<std::string> tags) {
  json r;
  r["id"] = id;
  r["name"] = pascal_case(id);
  r["shortDescription"] = message(title);
  r["fullDescription"] = message(full);
  r["help"] = {{"text", help_text}, {"markdown", help_markdown}};
  r["defaultConfiguration"] = {{"level", sarif_level(level)}};
  r["properties"] = {{"tags", tags}};
  return r;
}

std::vector<std::string> catalog_tags(const std::string& id) {
  if (id == "secret-file") return {"container-image", "security"};
  if (id == "root-user" || id == "no-healthcheck") return {"container-image", "configuration"};
  return {"container-image", "image-size"};
}

std::string end_sentence(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  if (!s.empty() && s.back() != '.' && s.back() != '!' && s.back() != '?') s.push_back('.');
  return s;
}

std::string result_text(const Check& c, const Violation& v) {
  std::string t = end_sentence(violation_headline(c, v));
  if (v.layer >= 0) {
    t += " Layer " + std::to_string(v.layer);
    if (!v.instruction.empty()) t += ": " + fit(one_line(v.instruction), 120);
    t = end_sentence(t);
  }
  if (!v.paths.empty()) {
    t += " Largest:";
    for (size_t i = 0; i < v.paths.size(); ++i) {
      t += (i ? ", " : " ") + one_line(v.paths[i].path) + " (" + human_bytes(v.paths[i].bytes) + ")";
    }
    t += ".";
  }
  if (!v.fix.empty()) t += " Fix: " + end_sentence(fix_with_savings(v));
  return t;
}

json location_json(const Violation& v, const SarifOptions& o, const std::string& reference) {
  json physical;
  if (points_at_dockerfile(v, o)) {
    physical["artifactLocation"] = {{"uri", uri_reference(o.dockerfile)}};
    physical["region"] = {{"startLine", v.dockerfile_line}};
  } else {
    physical["artifactLocation"] = {{"uri", uri_reference(image_path(reference))}};
  }
  json logical;
  logical["name"] = v.layer >= 0 ? "layer " + std::to_string(v.layer) : std::string("image");
  logical["fullyQualifiedName"] = v.layer >= 0 ? reference + "#layer-" + std::to_string(v.layer) : reference;
  logical["kind"] = "resource";
  return json{{"physicalLocation", physical}, {"logicalLocations", json::array({logical})}};
}

std::string fingerprint(const Check& c, const Violation& v) {
  std::string key = rule_id(c, v) + '\0' + c.id + '\0' + one_line(v.instruction) + '\0' +
                    (v.paths.empty() ? std::string() : v.paths.front().path);
  return digest_of(key).hex.substr(0, 32);
}

json result_properties(const Check& c, const Violation& v) {
  json p;
  p["check"] = c.id;
  p["severity"] = severity_name(effective_severity(c, v));
  if (!v.rule.empty()) p["rule"] = v.rule;  // the finding behind a fix, for non-finding checks
  if (!c.threshold.empty()) p["threshold"] = one_line(c.threshold);
  if (!c.actual.empty()) p["actual"] = one_line(c.actual);
  if (v.layer >= 0) p["layer"] = v.layer;
  if (!v.instruction.empty()) p["instruction"] = one_line(v.instruction);
  if (v.dockerfile_line > 0) p["dockerfileLine"] = v.dockerfile_line;
  if (!v.paths.empty()) {
    json paths = json::array();
    for (const auto& fp : v.paths) {
      json jp{{"path", valid_utf8(fp.path)}, {"bytes", fp.bytes}};
      if (fp.layer >= 0) jp["layer"] = fp.layer;
      paths.push_back(jp);
    }
    p["paths"] = paths;
  }
  if (v.savings_bytes > 0) p["savingsBytes"] = v.savings_bytes;
  return p;
}

}  // namespace

std::string render_gate_sarif(const Analysis& a, const GateResult& g, const SarifOptions& o) {
  const std::string reference = valid_utf8(image_reference(a, o));

  // Rules: every finding rule (stable ids and order, so ruleIndex is stable across runs),
  // then every check of this gate.
  json rules = json::array();
  std::map<std::string, size_t> rule_index;
  for (const auto& r : rule_catalog()) {
    std::string full = r.title + ": " + end_sentence(r.help);
    std::string text = full +
                       " Each result names the layer that added the bytes, its Dockerfile instruction (and line when "
                       "known), the largest paths, the fix and the bytes the fix saves.";
    std::string markdown = "**" + r.title + "**: " + end_sentence(r.help) +
                           "\n\nEach result names the layer that added the bytes, its Dockerfile instruction (and "
                           "line when known), the largest paths, the fix and the bytes the fix saves.";
    rule_index.emplace(r.id, rules.size());
    rules.push_back(rule_json(r.id, r.title, full, text, markdown, r.default_severity, catalog_tags(r.id)));
  }
  for (const auto& c : g.checks) {
    if (rule_index.count(c.id)) continue;
    std::string title = c.title.empty() ? c.id : one_line(c.title);
    std::string help = check_help(c);
    std::string threshold = c.threshold.empty() ? "" : " Configured threshold: " + one_line(c.threshold) + ".";
    std::string markdown = "**" + title + "** (`" + c.id + "`)\n\n" + help +
                           (threshold.empty() ? "" : "\n\nConfigured threshold: `" + one_line(c.threshold) + "`.") +
                           "\n\nPolicy: " + (g.policy_source.empty() ? std::string("defaults") : one_line(g.policy_source)) + ".";
    rule_index.emplace(c.id, rules.size());
    rules.push_back(rule_json(c.id, title, help, help + threshold, markdown, Severity::kError, {"container-image", "ci-gate"}));
  }

  json results = json::array();
  std::map<std::string, int> seen;  // fingerprint -> occurrences, to keep fingerprints unique
  for (const auto& c : g.checks) {
    for (const auto& v : failed_violations(c)) {
      const std::string& rid = rule_id(c, v);
      auto it = rule_index.find(rid);
      if (it == rule_index.end()) {
        // A finding rule this build does not know (a newer policy file): describe it minimally
        // so ruleId always resolves (§3.27.5).
        it = rule_index.emplace(rid, rules.size()).first;
        rules.push_back(rule_json(rid, rid, rid, rid, "`" + rid + "`", v.severity, {"container-image"}));
      }
      std::string fp = fingerprint(c, v);
      if (int n = seen[fp]++; n > 0) {
        fp.push_back(':');
        fp += std::to_string(n);
      }
      json r;
      r["ruleId"] = rid;
      r["ruleIndex"] = it->second;
      r["level"] = sarif_level(effective_severity(c, v));
      r["message"] = message(result_text(c, v));
      r["locations"] = json::array({location_json(v, o, reference)});
      r["partialFingerprints"] = {{kFingerprintKey, fp}};
      r["properties"] = result_properties(c, v);
      results.push_back(r);
    }
  }

  json driver;
  driver["name"] = "layerscope";
  driver["version"] = LAYERSCOPE_VERSION;
  driver["semanticVersion"] = LAYERSCOPE_VERSION;
  driver["informationUri"] = kInformationUri;
  driver["rules"] = rules;

  const Counts n = count(g);
  json run;
  run["tool"] = {{"driver", driver}};
  run["results"] = results;
  run["properties"] = {
      {"image",
       {{"reference", reference},
        {"name", valid_utf8(a.image.name)},
        {"platform", a.image.platform},
        {"manifestDigest", a.image.manifest_digest},
        {"contentBytes", a.totals.content_bytes},
        {"compressedBytes", a.totals.compressed_bytes},
        {"finalBytes", a.totals.final_bytes}}},
      {"gate",
       {{"passed", g.passed},
        {"misconfigured", g.misconfigured},
        {"policy", valid_utf8(g.policy_source)},
        {"checks", {{"pass", n.pass}, {"fail", n.fail}, {"skip", n.skip}}}}}};

  json log;
  log["$schema"] = kSarifSchema;
  log["version"] = "2.1.0";
  log["runs"] = json::array({run});
  return log.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

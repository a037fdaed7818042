#include "report/gate_util.h"

#include <algorithm>

#include "util/text.h"
#include "util/units.h"

namespace layerscope::gate_util {

namespace {

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates, nothing
// above U+10FFFF), or 0 when the bytes there are not one.
size_t utf8_sequence(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

bool is_size_check(const Check& c) {
  return starts_with(c.id, "budget.") || starts_with(c.id, "layer_budget.") || starts_with(c.id, "layer-budget.");
}

bool is_findings_check(const Check& c) { return c.id == "findings"; }

Severity effective_severity(const Check& c, const Violation& v) {
  return is_findings_check(c) ? v.severity : Severity::kError;
}

const std::string& rule_id(const Check& c, const Violation& v) {
  return is_findings_check(c) && !v.rule.empty() ? v.rule : c.id;
}

std::string violation_headline(const Check& c, const Violation& v) {
  std::string m = one_line(v.message);
  if (is_findings_check(c) || c.message.empty() || v.message == c.message) return m;
  return one_line(c.message) + " — " + m;
}

Counts count(const GateResult& g) {
  Counts n;
  for (const auto& c : g.checks) {
    switch (c.status) {
      case CheckStatus::kPass: ++n.pass; break;
      case CheckStatus::kFail: ++n.fail; break;
      case CheckStatus::kSkip: ++n.skip; break;
    }
  }
  return n;
}

std::vector<Violation> failed_violations(const Check& c) {
  if (c.status != CheckStatus::kFail) return {};
  if (!c.violations.empty()) return c.violations;
  Violation v;
  v.message = !c.message.empty() ? c.message : c.title + " failed";
  v.severity = Severity::kError;
  return {v};
}

std::string image_label(const Analysis& a) {
  const std::string& name = a.image.name;
  if (name.empty()) return a.image.reference;
  if (name.find('/') != std::string::npos || name.find(':') != std::string::npos) return name;
  // An OCI ref name is often just a tag ("1.4.2"): say which image it tags.
  std::string ref = a.image.reference;
  size_t slash = ref.find_last_of('/');
  std::string base = slash == std::string::npos ? ref : ref.substr(slash + 1);
  const std::string suffix = ":" + name;
  bool tagged = base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0;
  return tagged ? base : base + suffix;
}

std::string image_reference(const Analysis& a, const SarifOptions& o) {
  return o.image_reference.empty() ? a.image.reference : o.image_reference;
}

std::string dockerfile_display(const SarifOptions& o) { return o.dockerfile.empty() ? "Dockerfile" : o.dockerfile; }

bool points_at_dockerfile(const Violation& v, const SarifOptions& o) {
  return !o.dockerfile.empty() && v.dockerfile_line > 0;
}

std::string where(const Violation& v, const SarifOptions& o) {
  std::string w = v.layer >= 0 ? "layer " + std::to_string(v.layer) : "image";
  if (v.dockerfile_line > 0) w += ", " + dockerfile_display(o) + ":" + std::to_string(v.dockerfile_line);
  return w;
}

std::map<int, int> dockerfile_lines(const Analysis& a, const GateResult& g) {
  std::map<int, int> lines;
  for (const auto& f : a.findings) {
    if (f.layer >= 0 && f.dockerfile_line > 0) lines.emplace(f.layer, f.dockerfile_line);
  }
  for (const auto& c : g.checks) {
    for (const auto& v : c.violations) {
      if (v.layer >= 0 && v.dockerfile_line > 0) lines.emplace(v.layer, v.dockerfile_line);
    }
  }
  return lines;
}

std::string valid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string xml_escape(std::string_view raw, bool attr) {
  std::string s = valid_utf8(raw);
  std::string out;
  out.reserve(s.size() + 16);
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += attr ? "&quot;" : "\""; break;
      case '\n': out += attr ? "&#10;" : "\n"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += attr ? "&#9;" : "\t"; break;
      default:
        if (c < 0x20) break;  // not allowed in XML 1.0 at all
        out.push_back(ch);
    }
  }
  return out;
}

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : valid_utf8(s)) {
    if (c == '\n' || c == '\r' || c == '\t') out.push_back(' ');
    else if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7F)) out.push_back(c);
    // other control characters are dropped: no format can show them, XML cannot hold them
  }
  return out;
}

std::string check_message(const Check& c) {
  if (c.message.empty() && c.status == CheckStatus::kSkip) return "not configured";
  return one_line(c.message);
}

std::string fix_with_savings(const Violation& v) {
  if (v.fix.empty()) return "";
  std::string out = one_line(v.fix);
  if (v.savings_bytes > 0) out += " (saves " + human_bytes(v.savings_bytes) + ")";
  return out;
}

std::string check_help(const Check& c) {
  const std::string& id = c.id;
  std::string what;
  if (id == "budget.content") {
    what = "The image's content size (the bytes of every file in every layer, the size `docker images` shows) "
           "must stay within the budget.";
  } else if (id == "budget.compressed") {
    what = "The compressed size of the layer blobs (what a pull downloads) must stay within the budget.";
  } else if (id == "budget.final" || id == "budget.final_fs") {
    what = "The bytes visible in the final filesystem must stay within the budget.";
  } else if (starts_with(id, "layer_budget.") || starts_with(id, "layer-budget.")) {
    what = "No single layer may exceed the per-layer budget.";
  } else if (id == "findings") {
    what = "No finding at or above the configured severity may be present.";
  } else if (contains(id, "waste")) {
    what = "Bytes shipped in one layer and deleted or overwritten by a later one (waste) must stay below the "
           "configured limits.";
  } else if (contains(id, "Efficiency") || contains(id, "efficiency")) {
    what = "The image efficiency score (dive's lowestEfficiency) must not fall below the threshold.";
  } else if (contains(id, "WastedBytes")) {
    what = "The wasted bytes (dive's highestWastedBytes) must not exceed the threshold.";
  } else if (contains(id, "UserWasted")) {
    what = "The share of wasted bytes in the user layers (dive's highestUserWastedPercent) must not exceed the "
           "threshold.";
  } else if (contains(id, "root") || contains(id, "user")) {
    what = "The image must run as a non-root user (a USER instruction with a non-zero uid or a named user).";
  } else if (contains(id, "healthcheck")) {
    what = "The image config must define a HEALTHCHECK.";
  } else {
    what = (c.title.empty() ? id : one_line(c.title)) + ".";
  }
  if (is_size_check(c)) {
    what += " Sizes are SI (1 MB = 1,000,000 bytes). The fix is usually in the largest layers: each result names "
            "the layer, its instruction and its largest paths; the finding results say what to remove and how "
            "much that saves.";
  }
  return what;
}

std::vector<RankedViolation> ranked_violations(const GateResult& g) {
  std::vector<RankedViolation> out;
  for (const auto& c : g.checks) {
    for (auto& v : failed_violations(c)) out.push_back({&c, std::move(v)});
  }
  std::stable_sort(out.begin(), out.end(), [](const RankedViolation& x, const RankedViolation& y) {
    Severity sx = effective_severity(*x.check, x.violation), sy = effective_severity(*y.check, y.violation);
    if (sx != sy) return sx > sy;
    return x.violation.savings_bytes > y.violation.savings_bytes;
  });
  return out;
}

}  // namespace layerscope::gate_util

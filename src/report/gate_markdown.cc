// The gate as GitHub-flavoured Markdown (GFM spec 0.29, tables extension): a pull-request
// comment or a `$GITHUB_STEP_SUMMARY` section that a reviewer can read without opening CI
// logs. Order: a pass/fail heading, size vs budget, the failed checks, the top findings with
// what fixing them saves, the layer table, then `<details>` blocks for everything else.
//
// GFM details that matter here: a table must be preceded and followed by a blank line, and a
// '|' inside a cell must be written '\|' even inside a code span (the cell split happens
// before inline parsing). Inside an HTML block such as <details>, Markdown is parsed again
// only after a blank line. '<' in image-derived text is escaped so a crafted path cannot
// inject HTML into the comment. Sizes are SI (1 MB = 1,000,000 bytes), as in the text report.
#include <fmt/format.h>

#include <algorithm>

#include "layerscope/gate_report.h"
#include "report/gate_util.h"
#include "report/text_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

using namespace gate_util;

constexpr size_t kTopFindings = 5;
constexpr size_t kViolationsPerCheck = 3;
constexpr size_t kInstructionChars = 80;
constexpr size_t kMessageChars = 200;

// Free text (messages, fixes): one line, '<' and '>' neutralised so image-derived text cannot
// open an HTML tag, '|' escaped in table cells. Code spans the text already has (fixes say
// "use `pip install --no-cache-dir`") are kept as they are: inside them an entity would
// show literally, and the span itself already stops HTML.
std::string md_text(std::string_view raw, bool in_table, size_t max_chars = kMessageChars) {
  std::string s = fit(one_line(raw), max_chars);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '`') {
      size_t run = s.find_first_not_of('`', i) - i;
      if (i + run > s.size()) run = s.size() - i;
      std::string fence(run, '`');
      size_t close = s.find(fence, i + run);
      // The closing run must be exactly as long as the opening one (GFM code spans).
      while (close != std::string::npos && close + run < s.size() && s[close + run] == '`') {
        close = s.find(fence, s.find_first_not_of('`', close));
      }
      if (close != std::string::npos) {
        for (size_t k = i; k < close + run; ++k) {
          if (s[k] == '|' && in_table) out += "\\|";
          else out.push_back(s[k]);
        }
        i = close + run;
        continue;
      }
      out += fence;  // an unmatched run is literal text
      i += run;
      continue;
    }
    char c = s[i++];
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '|' && in_table) out += "\\|";
    else out.push_back(c);
  }
  return out;
}

// Literal text (paths, instructions, ids) as a code span long enough for any backticks in it.
std::string md_code(std::string_view raw, bool in_table, size_t max_chars = kInstructionChars) {
  std::string s = fit(one_line(raw), max_chars);
  if (s.empty()) return "";
  size_t longest = 0, run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  std::string body;
  for (char c : s) {
    if (c == '|' && in_table) body += "\\|";
    else body.push_back(c);
  }
  bool pad = s.front() == '`' || s.back() == '`' || s.front() == ' ' || s.back() == ' ';
  return pad ? fence + " " + body + " " + fence : fence + body + fence;
}

// <summary> holds raw HTML text.
std::string html(std::string_view raw) {
  std::string out;
  for (char c : one_line(raw)) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out.push_back(c);
  }
  return out;
}

const char* status_icon(CheckStatus s) {
  switch (s) {
    case CheckStatus::kPass: return "✅";
    case CheckStatus::kFail: return "❌";
    case CheckStatus::kSkip: return "⏭️";
  }
  return "";
}

const char* severity_icon(Severity s) {
  switch (s) {
    case Severity::kError: return "🔴";
    case Severity::kWarning: return "🟡";
    case Severity::kInfo: return "🔵";
  }
  return "";
}

const Check* find_check(const GateResult& g, std::initializer_list<std::string_view> ids) {
  for (const auto& c : g.checks) {
    for (auto id : ids) {
      if (c.id == id) return &c;
    }
  }
  return nullptr;
}

void heading(std::string& out, const Analysis& a, const GateResult& g, const SarifOptions& o) {
  const Counts n = count(g);
  std::string name = md_code(image_label(a), false, 100);
  if (g.misconfigured) {
    out += "## ⚠️ layerscope check: policy misconfigured for " + name + "\n\n";
  } else if (g.passed) {
    out += "## ✅ layerscope check passed: " + name + "\n\n";
  } else {
    out += "## ❌ layerscope check failed: " + name + "\n\n";
  }
  out += fmt::format("**{} of {} checks failed** · {} passed · {} skipped · policy: {}\n\n", n.fail, g.checks.size(),
                     n.pass, n.skip, md_code(g.policy_source.empty() ? "defaults" : g.policy_source, false));
  std::string ref = md_code(image_reference(a, o), false, 120);
  std::string platform = a.image.platform.empty() ? "" : " · " + md_code(a.image.platform, false);
  out += fmt::format("Image {}{} · {} layers · {} files\n\n", ref, platform, a.totals.layers, group_thousands(a.totals.files));
}

void size_table(std::string& out, const Analysis& a, const GateResult& g) {
  struct Row {
    const char* label;
    uint64_t actual;
    const Check* check;
  };
  const Row rows[] = {
      {"Content (what `docker images` shows)", a.totals.content_bytes, find_check(g, {"budget.content"})},
      {"Compressed (the pull)", a.totals.compressed_bytes, find_check(g, {"budget.compressed"})},
      {"Final filesystem", a.totals.final_bytes, find_check(g, {"budget.final", "budget.final_fs"})},
  };
  out += "### Size vs budget\n\n";
  out += "| Size | Actual | Budget | Delta | Status |\n";
  out += "|:-----|-------:|-------:|------:|:-------|\n";
  for (const auto& r : rows) {
    std::string budget = "—", delta = "", status = "no budget";
    if (r.check && r.check->status != CheckStatus::kSkip && !r.check->threshold.empty()) {
      budget = md_text(r.check->threshold, true);
      if (auto b = parse_byte_size(r.check->threshold)) {
        delta = human_delta(static_cast<int64_t>(r.actual) - static_cast<int64_t>(*b));
      }
      status = r.check->status == CheckStatus::kFail ? "❌ over budget" : "✅ within budget";
    }
    out += fmt::format("| {} | {} | {} | {} | {} |\n", r.label, human_bytes(r.actual), budget, delta, status);
  }
  out += "\nSizes are SI: 1 MB = 1,000,000 bytes.\n\n";
}

std::string violation_line(const Check& c, const Violation& v, const SarifOptions& o) {
  std::string line = severity_icon(effective_severity(c, v));
  line += " ";
  if (!v.rule.empty()) line += md_code(v.rule, false) + " ";
  line += md_text(v.message, false);
  line += " — " + md_text(where(v, o), false);
  if (v.savings_bytes > 0) line += " — saves **" + human_bytes(v.savings_bytes) + "**";
  return line;
}

void failed_checks(std::string& out, const GateResult& g, const SarifOptions& o) {
  const Counts n = count(g);
  if (n.fail == 0) return;
  out += "### Failed checks\n\n";
  for (const auto& c : g.checks) {
    if (c.status != CheckStatus::kFail) continue;
    std::string title = c.title.empty() ? "" : " " + md_text(c.title, false);
    std::string measured;
    if (!c.actual.empty() || !c.threshold.empty()) {
      measured = " (" + md_text(c.actual.empty() ? "?" : c.actual, false) + " vs " +
                 md_text(c.threshold.empty() ? "?" : c.threshold, false) + ")";
    }
    out += fmt::format("- ❌ {}{}{}: {}\n", md_code(c.id, false), title, measured, md_text(c.message, false));
    auto vs = failed_violations(c);
    for (size_t i = 0; i < vs.size() && i < kViolationsPerCheck; ++i) {
      out += "  - " + violation_line(c, vs[i], o) + "\n";
      if (!vs[i].fix.empty()) out += "    - fix: " + md_text(vs[i].fix, false) + "\n";
    }
    if (vs.size() > kViolationsPerCheck) {
      out += fmt::format("  - … and {} more (see *All violations* below)\n", vs.size() - kViolationsPerCheck);
    }
  }
  out += "\n";
}

std::string finding_where(const Finding& f, const SarifOptions& o) {
  std::string w = f.layer >= 0 ? "layer " + std::to_string(f.layer) : "config";
  if (f.dockerfile_line > 0) w += ", " + dockerfile_display(o) + ":" + std::to_string(f.dockerfile_line);
  return w;
}

void findings_table_rows(std::string& out, const std::vector<const Finding*>& rows, const SarifOptions& o) {
  out += "| | Rule | Finding | Where | Saves | Fix |\n";
  out += "|:-|:-----|:--------|:------|------:|:----|\n";
  for (const Finding* f : rows) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", severity_icon(f->severity), md_code(f->rule, true),
                       md_text(f->message, true), md_text(finding_where(*f, o), true),
                       f->savings_bytes ? human_bytes(f->savings_bytes) : "—", md_text(f->fix, true));
  }
}

void top_findings(std::string& out, const Analysis& a, const SarifOptions& o) {
  std::vector<const Finding*> with_savings;
  for (const auto& f : a.findings) {
    if (f.savings_bytes > 0) with_savings.push_back(&f);
  }
  std::stable_sort(with_savings.begin(), with_savings.end(),
                   [](const Finding* x, const Finding* y) { return x->savings_bytes > y->savings_bytes; });
  if (with_savings.empty()) return;
  if (with_savings.size() > kTopFindings) with_savings.resize(kTopFindings);
  out += fmt::format("### Top findings (fixing all {} saves {})\n\n", a.findings.size(), human_bytes(a.savings_bytes));
  findings_table_rows(out, with_savings, o);
  out += "\n";
}

void layer_table(std::string& out, const Analysis& a, const GateResult& g, const SarifOptions& o) {
  if (a.layers.empty()) return;
  const auto lines = dockerfile_lines(a, g);
  out += "### Layers\n\n";
  out += "| # | Content | Compressed | Dockerfile | Instruction |\n";
  out += "|--:|--------:|-----------:|:-----------|:------------|\n";
  for (const auto& l : a.layers) {
    auto it = lines.find(l.index);
    std::string line = it == lines.end() ? "" : md_text(dockerfile_display(o) + ":" + std::to_string(it->second), true);
    out += fmt::format("| {} | {} | {} | {} | {} |\n", l.index, human_bytes(l.content_bytes),
                       human_bytes(l.compressed_bytes), line, md_code(l.instruction, true));
  }
  out += "\n";
}

void details_open(std::string& out, const std::string& summary) {
  out += "<details>\n<summary>" + html(summary) + "</summary>\n\n";
}

void details_close(std::string& out) { out += "</details>\n\n"; }

void all_checks(std::string& out, const GateResult& g) {
  const Counts n = count(g);
  details_open(out, fmt::format("All checks ({} failed, {} passed, {} skipped)", n.fail, n.pass, n.skip));
  out += "| Check | Status | Threshold | Actual | Result |\n";
  out += "|:------|:-------|----------:|-------:|:-------|\n";
  for (const auto& c : g.checks) {
    out += fmt::format("| {} | {} {} | {} | {} | {} |\n", md_code(c.id, true), status_icon(c.status),
                       check_status_name(c.status), md_text(c.threshold, true), md_text(c.actual, true),
                       md_text(check_message(c), true));
  }
  out += "\n";
  details_close(out);
}

void all_violations(std::string& out, const GateResult& g, const SarifOptions& o) {
  auto ranked = ranked_violations(g);
  if (ranked.empty()) return;
  details_open(out, fmt::format("All violations ({})", ranked.size()));
  out += "| | Check | Rule | Violation | Where | Saves | Largest paths |\n";
  out += "|:-|:------|:-----|:----------|:------|------:|:--------------|\n";
  for (const auto& r : ranked) {
    const Violation& v = r.violation;
    std::string paths;
    for (size_t i = 0; i < v.paths.size() && i < 3; ++i) {
      paths += (i ? "<br>" : "") + md_code(v.paths[i].path, true) + " " + human_bytes(v.paths[i].bytes);
    }
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", severity_icon(effective_severity(*r.check, v)),
                       md_code(r.check->id, true), md_code(v.rule, true), md_text(v.message, true),
                       md_text(where(v, o), true), v.savings_bytes ? human_bytes(v.savings_bytes) : "—", paths);
  }
  out += "\n";
  details_close(out);
}

void remaining_findings(std::string& out, const Analysis& a, const SarifOptions& o) {
  if (a.findings.empty()) return;
  std::vector<const Finding*> all;
  for (const auto& f : a.findings) all.push_back(&f);
  details_open(out, fmt::format("All findings ({})", all.size()));
  findings_table_rows(out, all, o);
  out += "\n";
  details_close(out);
}

void dockerignore_section(std::string& out, const Analysis& a) {
  if (a.dockerignore.empty()) return;
  details_open(out, fmt::format("Suggested .dockerignore lines ({})", a.dockerignore.size()));
  out += "```\n";
  for (const auto& s : a.dockerignore) out += one_line(s.pattern) + "\n";
  out += "```\n\n";
  details_close(out);
}

}  // namespace

std::string render_gate_markdown(const Analysis& a, const GateResult& g, const SarifOptions& o) {
  std::string out;
  heading(out, a, g, o);
  size_table(out, a, g);
  failed_checks(out, g, o);
  top_findings(out, a, o);
  layer_table(out, a, g, o);
  all_checks(out, g);
  all_violations(out, g, o);
  remaining_findings(out, a, o);
  dockerignore_section(out, a);
  // One trailing newline, so appending to $GITHUB_STEP_SUMMARY keeps sections apart.
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
  return out;
}

}  // namespace layerscope

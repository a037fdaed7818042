#include "report/gate_eval.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "util/units.h"

namespace layerscope {

namespace {

constexpr size_t kTopFixes = 3;

const char* kStatusNames[] = {"pass", "fail", "skip"};

std::string fmt_double(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

Violation from_finding(const Finding& f) {
  Violation v;
  v.message = f.message;
  v.layer = f.layer;
  v.instruction = f.instruction;
  v.dockerfile_line = f.dockerfile_line;
  v.rule = f.rule;
  v.severity = f.severity;
  v.paths = f.paths;
  v.fix = f.fix;
  v.savings_bytes = f.savings_bytes;
  return v;
}

// The fixes that would do the most for a size problem, largest savings first.
std::vector<Violation> top_fixes(const Analysis& a, size_t n) {
  std::vector<const Finding*> fs;
  for (const auto& f : a.findings) {
    if (f.savings_bytes) fs.push_back(&f);
  }
  std::stable_sort(fs.begin(), fs.end(), [](const Finding* x, const Finding* y) { return x->savings_bytes > y->savings_bytes; });
  std::vector<Violation> out;
  for (size_t i = 0; i < fs.size() && i < n; ++i) out.push_back(from_finding(*fs[i]));
  return out;
}

Check size_check(const Analysis& a, const char* id, const char* title, std::optional<uint64_t> limit, uint64_t actual) {
  Check c{id, title};
  if (!limit) return c;
  c.threshold = human_bytes(*limit);
  c.threshold_bytes = *limit;
  c.actual = human_bytes(actual);
  if (actual <= *limit) {
    c.status = CheckStatus::kPass;
    c.message = c.actual + " is within the " + c.threshold + " budget";
    return c;
  }
  c.status = CheckStatus::kFail;
  c.message = c.actual + " exceeds the " + c.threshold + " budget by " + human_bytes(actual - *limit);
  c.violations = top_fixes(a, kTopFixes);
  if (c.violations.empty()) c.violations.push_back({c.message});
  return c;
}

Check layer_check(const Analysis& a, const char* id, const char* title, std::optional<uint64_t> limit, bool compressed) {
  Check c{id, title};
  if (!limit) return c;
  c.threshold = human_bytes(*limit);
  c.threshold_bytes = *limit;
  uint64_t worst = 0;
  for (const auto& l : a.layers) {
    uint64_t v = compressed ? l.compressed_bytes : l.content_bytes;
    worst = std::max(worst, v);
    if (v <= *limit) continue;
    Violation viol;
    viol.message = "layer " + std::to_string(l.index) + " is " + human_bytes(v) + ", over the " + c.threshold +
                   " per-layer budget";
    viol.layer = l.index;
    viol.instruction = l.instruction;
    c.violations.push_back(std::move(viol));
  }
  c.actual = human_bytes(worst) + " (largest layer)";
  c.status = c.violations.empty() ? CheckStatus::kPass : CheckStatus::kFail;
  c.message = c.violations.empty() ? "every layer is within " + c.threshold
                                   : std::to_string(c.violations.size()) + " layers exceed " + c.threshold;
  return c;
}

Check waste_check(const Analysis& a, const Policy& p) {
  Check c{"waste", "Reclaimable bytes"};
  if (!p.waste_max_bytes && !p.waste_max_percent) return c;
  uint64_t waste = a.efficiency.reclaimable_bytes;
  double pct = a.totals.content_bytes ? 100.0 * static_cast<double>(waste) / static_cast<double>(a.totals.content_bytes) : 0;
  bool over_bytes = !p.waste_max_bytes || waste > *p.waste_max_bytes;
  bool over_pct = !p.waste_max_percent || pct > *p.waste_max_percent;
  c.threshold = (p.waste_max_bytes ? human_bytes(*p.waste_max_bytes) : std::string("-")) + " and " +
                (p.waste_max_percent ? fmt_double(*p.waste_max_percent) + "%" : std::string("-"));
  c.actual = human_bytes(waste) + " (" + fmt_double(pct) + "%)";
  if (over_bytes && over_pct) {
    c.status = CheckStatus::kFail;
    c.message = "reclaimable bytes " + c.actual + " exceed both the byte floor and the percent limit (" + c.threshold + ")";
    for (const auto& f : a.findings) {
      if ((f.rule == "deleted-later" || f.rule == "overwritten-later") && f.savings_bytes && c.violations.size() < kTopFixes) {
        c.violations.push_back(from_finding(f));
      }
    }
    if (c.violations.empty()) c.violations.push_back({c.message});
  } else {
    c.status = CheckStatus::kPass;
    c.message = "reclaimable bytes " + c.actual + " are within " + c.threshold;
  }
  return c;
}

std::vector<Violation> inefficient_paths(const Analysis& a) {
  Violation v;
  v.message = "paths stored more than once across layers (dive's inefficient files)";
  for (size_t i = 0; i < a.efficiency.inefficient_paths.size() && i < 5; ++i) {
    const auto& p = a.efficiency.inefficient_paths[i];
    v.paths.push_back({p.path, p.cumulative_bytes, -1, std::to_string(p.count) + " copies"});
  }
  return {v};
}

// dive's rules: strict comparisons exactly as DIVE-COMPAT.md states them.
void dive_checks(const Analysis& a, const Policy& p, std::vector<Check>& out) {
  const Efficiency& e = a.efficiency;
  Check eff{"dive.lowestEfficiency", "dive efficiency"};
  if (p.min_efficiency) {
    eff.threshold = fmt_double(*p.min_efficiency);
    eff.actual = fmt_double(e.score);
    bool fail = *p.min_efficiency > e.score;
    eff.status = fail ? CheckStatus::kFail : CheckStatus::kPass;
    eff.message = "efficiency " + eff.actual + (fail ? " is below " : " meets ") + eff.threshold;
    if (fail) eff.violations = inefficient_paths(a);
  }
  out.push_back(eff);
  Check wasted{"dive.highestWastedBytes", "dive wasted bytes"};
  if (p.max_wasted_bytes) {
    wasted.threshold = human_bytes(*p.max_wasted_bytes);
    wasted.actual = human_bytes(e.wasted_bytes);
    bool fail = e.wasted_bytes > *p.max_wasted_bytes;
    wasted.status = fail ? CheckStatus::kFail : CheckStatus::kPass;
    wasted.message = "wasted bytes " + wasted.actual + (fail ? " exceed " : " are within ") + wasted.threshold;
    if (fail) wasted.violations = inefficient_paths(a);
  }
  out.push_back(wasted);
  Check user{"dive.highestUserWastedPercent", "dive user wasted percent"};
  if (p.max_user_wasted_percent) {
    user.threshold = fmt_double(*p.max_user_wasted_percent);
    user.actual = fmt_double(e.user_wasted_percent);
    // NaN compares false: it passes, as in dive; +Inf fails.
    bool fail = *p.max_user_wasted_percent < e.user_wasted_percent;
    user.status = fail ? CheckStatus::kFail : CheckStatus::kPass;
    user.message = "user wasted percent " + user.actual + (fail ? " exceeds " : " is within ") + user.threshold;
    if (fail) user.violations = inefficient_paths(a);
  }
  out.push_back(user);
}

Check findings_check(const Analysis& a, const Policy& p) {
  Check c{"findings", "Findings"};
  if (!p.fail_on) return c;
  c.threshold = std::string(severity_name(*p.fail_on)) + " or worse";
  size_t n = 0;
  for (const auto& f : a.findings) {
    if (f.severity < *p.fail_on) continue;
    if (f.rule == "root-user" || f.rule == "no-healthcheck") continue;  // the require.* checks own these
    ++n;
    c.violations.push_back(from_finding(f));
  }
  c.actual = std::to_string(n) + " at " + c.threshold;
  c.status = n ? CheckStatus::kFail : CheckStatus::kPass;
  c.message = n ? std::to_string(n) + " findings at " + c.threshold : "no findings at " + c.threshold;
  return c;
}

Check require_check(const Analysis& a, const char* id, const char* title, bool required, const char* rule) {
  Check c{id, title};
  if (!required) return c;
  c.threshold = "required";
  for (const auto& f : a.findings) {
    if (f.rule == rule) c.violations.push_back(from_finding(f));
  }
  c.status = c.violations.empty() ? CheckStatus::kPass : CheckStatus::kFail;
  c.actual = c.violations.empty() ? "present" : "missing";
  c.message = c.violations.empty() ? std::string(title) + ": ok" : c.violations[0].message;
  return c;
}

}  // namespace

const char* check_status_name(CheckStatus s) { return kStatusNames[static_cast<int>(s)]; }

GateResult evaluate_gate(const Analysis& a, const Policy& p) {
  GateResult g;
  g.policy_source = p.source;
  g.checks.push_back(size_check(a, "budget.content", "Content size budget", p.budget.content, a.totals.content_bytes));
  g.checks.push_back(size_check(a, "budget.compressed", "Compressed (pull) size budget", p.budget.compressed,
                                a.totals.compressed_bytes));
  g.checks.push_back(size_check(a, "budget.final", "Final filesystem size budget", p.budget.final_fs, a.totals.final_bytes));
  g.checks.push_back(layer_check(a, "layer_budget.content", "Per-layer content budget", p.layer_budget.content, false));
  g.checks.push_back(layer_check(a, "layer_budget.compressed", "Per-layer compressed budget", p.layer_budget.compressed, true));
  g.checks.push_back(waste_check(a, p));
  dive_checks(a, p, g.checks);
  g.checks.push_back(findings_check(a, p));
  g.checks.push_back(require_check(a, "require.non_root", "Non-root user", p.require_non_root, "root-user"));
  g.checks.push_back(require_check(a, "require.healthcheck", "Health check", p.require_healthcheck, "no-healthcheck"));
  for (const auto& c : g.checks) g.passed &= c.status != CheckStatus::kFail;
  return g;
}

}  // namespace layerscope

// `layerscope check IMAGE`: the CI gate. The policy comes from a file (`--config`, or
// `.layerscope.yml` in the working directory) with flags overriding it; exit 0 when every
// check passes, 1 when one fails, 2 for a bad policy, 3 when the image cannot be analysed.
#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "cli/command.h"
#include "cli/gate_outputs.h"
#include "layerscope/dive_ci.h"
#include "layerscope/error.h"
#include "layerscope/gate.h"
#include "layerscope/gate_report.h"
#include "layerscope/report.h"
#include "report/gate_eval.h"
#include "report/policy_file.h"
#include "util/units.h"

namespace layerscope::cli {

namespace {

bool file_exists(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

uint64_t size_flag(const std::string& flag, const std::string& value) {
  auto v = parse_byte_size(value);
  if (!v) throw Error(ErrorKind::kUsage, flag + ": not a size: '" + value + "' (try 500MB or 0.5GiB)");
  return *v;
}

class CheckCommand : public Command {
 public:
  explicit CheckCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("check", "CI gate: evaluate size budgets, waste limits and findings; exit 1 on failure");
    image_.add_to(app_);
    app_->add_option("--config", config_, "Policy file (default: .layerscope.yml when present)");
    app_->add_option("--dive-ci", dive_ci_,
                     "dive CI rules file; gives dive's verdict (default: .dive-ci when present and no layerscope policy)");
    app_->add_option("--budget", budget_, "Content size budget (what `docker images` shows), e.g. 500MB");
    app_->add_option("--budget-compressed", budget_compressed_, "Compressed (pull) size budget");
    app_->add_option("--budget-final", budget_final_, "Final filesystem size budget");
    app_->add_option("--layer-budget", layer_budget_, "Content budget for any single layer");
    app_->add_option("--max-waste", max_waste_, "Reclaimable bytes allowed (fails only when --max-waste-percent is also exceeded)");
    app_->add_option("--max-waste-percent", max_waste_percent_, "Reclaimable percent of content allowed");
    app_->add_option("--min-efficiency", min_efficiency_, "dive efficiency floor (0..1)");
    app_->add_option("--fail-on", fail_on_, "Fail on findings at or above: error, warning, info or none")
        ->check(CLI::IsMember({"error", "warning", "info", "none"}));
    app_->add_flag("--require-non-root", require_non_root_, "Fail when the image runs as root");
    app_->add_flag("--require-healthcheck", require_healthcheck_, "Fail when the image has no HEALTHCHECK");
    app_->add_option("--format", format_, "Report on stdout: text or json")->check(CLI::IsMember({"text", "json"}));
    app_->add_option("--output", outputs_,
                     "Also write FORMAT=PATH (junit, sarif, markdown, json, text; PATH - is stdout); repeatable");
    app_->add_flag("--github", github_,
                   "GitHub Actions mode (automatic when GITHUB_ACTIONS=true): annotations on stdout, Markdown "
                   "appended to $GITHUB_STEP_SUMMARY");
  }
  CLI::App* app() const override { return app_; }

  int run() override {
    parse_output_specs(outputs_);  // a typo in --output fails before the analysis, not after it
    std::string dive_file = dive_ci_file();
    Policy policy = load_policy(!dive_file.empty());
    std::optional<DiveCiConfig> dive;
    if (!dive_file.empty()) dive = parse_dive_ci(read_text(dive_file));
    AnalyzeOptions o = image_.resolve(image_.analyze.reference);
    o.rules = policy.rules;
    if (policy.budget.content) o.budget_bytes = policy.budget.content;
    Analysis a = analyze(o);
    GateResult g = evaluate_gate(a, policy);
    image_.report([&] {
      std::string text;
      if (dive) {
        DiveCiResult d = evaluate_dive_ci(*dive, a.efficiency);
        add_dive_checks(d, dive_file, g);
        text += render_dive_ci(d, a.efficiency);
      }
      // Where SARIF results and annotations point: Dockerfile lines when --dockerfile is given.
      SarifOptions where;
      where.image_reference = image_.analyze.reference;
      where.dockerfile = image_.analyze.dockerfile;
      write_output("", format_ == "json" ? render_json_with_gate(a, g) : text + render_gate_text(a, g, where));
      write_gate_outputs(outputs_, github_, a, g, where, format_ == "json");
    });
    return g.passed ? kExitOk : kExitGateFailed;
  }

 private:
  // An explicit --dive-ci, else .dive-ci when no layerscope policy is in use (a team that
  // replaces `dive --ci` keeps its file and gets the same verdict).
  std::string dive_ci_file() const {
    if (!dive_ci_.empty()) return dive_ci_;
    if (config_.empty() && !file_exists(".layerscope.yml") && file_exists(".dive-ci")) return ".dive-ci";
    return "";
  }

  static std::string read_text(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw Error(ErrorKind::kConfig, path + ": cannot read the dive CI file");
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }

  // dive's three rules become gate checks; a misconfigured file fails the run, as in dive.
  static void add_dive_checks(const DiveCiResult& d, const std::string& file, GateResult& g) {
    for (const auto& r : d.rules) {
      Check c{"dive." + r.id, "dive " + r.id};
      c.threshold = r.threshold;
      c.actual = r.actual;
      c.message = r.message;
      c.status = r.status == DiveRuleStatus::kPass   ? CheckStatus::kPass
                 : r.status == DiveRuleStatus::kFail ? CheckStatus::kFail
                                                      : CheckStatus::kSkip;
      if (r.status == DiveRuleStatus::kMisconfigured) c.message = "misconfigured: " + r.message;
      if (c.status == CheckStatus::kFail) c.violations.push_back({r.message});
      // Replace the policy's own (unset) dive check of the same id.
      auto same = std::find_if(g.checks.begin(), g.checks.end(), [&](const Check& x) { return x.id == c.id; });
      if (same != g.checks.end()) *same = c;
      else g.checks.push_back(c);
    }
    if (d.misconfigured) {
      g.misconfigured = true;
      Check c{"dive.config", "dive CI configuration"};
      c.status = CheckStatus::kFail;
      c.threshold = file;
      c.actual = "misconfigured";
      c.message = "CI Misconfigured: no rule was evaluated";
      c.violations.push_back({c.message});
      g.checks.push_back(c);
    }
    g.passed = true;
    for (const auto& c : g.checks) g.passed &= c.status != CheckStatus::kFail;
  }

  Policy load_policy(bool dive_mode) const {
    Policy p;
    p.source = "defaults";
    if (!config_.empty()) {
      p = load_policy_file(config_);
    } else if (file_exists(".layerscope.yml")) {
      p = load_policy_file(".layerscope.yml");
    } else if (dive_mode) {
      // dive's verdict alone, unless flags below add more.
      p.fail_on.reset();
      p.source = "dive CI file";
    }
    if (!budget_.empty()) p.budget.content = size_flag("--budget", budget_);
    if (!budget_compressed_.empty()) p.budget.compressed = size_flag("--budget-compressed", budget_compressed_);
    if (!budget_final_.empty()) p.budget.final_fs = size_flag("--budget-final", budget_final_);
    if (!layer_budget_.empty()) p.layer_budget.content = size_flag("--layer-budget", layer_budget_);
    if (!max_waste_.empty()) p.waste_max_bytes = size_flag("--max-waste", max_waste_);
    if (max_waste_percent_ >= 0) p.waste_max_percent = max_waste_percent_;
    if (min_efficiency_ >= 0) p.min_efficiency = min_efficiency_;
    if (!fail_on_.empty()) {
      if (fail_on_ == "none") {
        p.fail_on.reset();
      } else {
        Severity s;
        parse_severity(fail_on_, &s);
        p.fail_on = s;
      }
    }
    p.require_non_root |= require_non_root_;
    p.require_healthcheck |= require_healthcheck_;
    return p;
  }

  CLI::App* app_;
  ImageOptions image_;
  std::string config_, dive_ci_, budget_, budget_compressed_, budget_final_, layer_budget_, max_waste_, fail_on_;
  double max_waste_percent_ = -1, min_efficiency_ = -1;
  bool require_non_root_ = false, require_healthcheck_ = false;
  std::string format_ = "text";
  std::vector<std::string> outputs_;
  bool github_ = false;
};

}  // namespace

std::unique_ptr<Command> make_check_command(CLI::App& app) { return std::make_unique<CheckCommand>(app); }

}  // namespace layerscope::cli

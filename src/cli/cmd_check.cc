// `layerscope check IMAGE`: the CI gate. The policy comes from a file (`--config`, or
// `.layerscope.yml` in the working directory) with flags overriding it; exit 0 when every
// check passes, 1 when one fails, 2 for a bad policy, 3 when the image cannot be analysed.
#include <sys/stat.h>

#include <fmt/format.h>

#include "cli/command.h"
#include "layerscope/error.h"
#include "layerscope/gate.h"
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
  }
  CLI::App* app() const override { return app_; }

  int run() override {
    Policy policy = load_policy();
    AnalyzeOptions o = image_.resolve(image_.analyze.reference);
    o.rules = policy.rules;
    if (policy.budget.content) o.budget_bytes = policy.budget.content;
    Analysis a = analyze(o);
    GateResult g = evaluate_gate(a, policy);
    write_output("", format_ == "json" ? render_json(a) : gate_text(g));
    return g.passed ? kExitOk : kExitGateFailed;
  }

 private:
  Policy load_policy() const {
    Policy p;
    p.source = "defaults";
    if (!config_.empty()) {
      p = load_policy_file(config_);
    } else if (file_exists(".layerscope.yml")) {
      p = load_policy_file(".layerscope.yml");
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

  static std::string gate_text(const GateResult& g) {
    std::string out = fmt::format("layerscope check: {} (policy: {})\n", g.passed ? "PASS" : "FAIL", g.policy_source);
    for (const auto& c : g.checks) {
      if (c.status == CheckStatus::kSkip) continue;
      out += fmt::format("  {:<4}  {:<30} {}\n", check_status_name(c.status), c.id, c.message);
      for (const auto& v : c.violations) {
        out += fmt::format("        - {}", v.message);
        if (v.savings_bytes) out += fmt::format(" (fix saves {})", human_bytes(v.savings_bytes));
        out += "\n";
        if (!v.fix.empty()) out += fmt::format("          fix: {}\n", v.fix);
      }
    }
    return out;
  }

  CLI::App* app_;
  ImageOptions image_;
  std::string config_, budget_, budget_compressed_, budget_final_, layer_budget_, max_waste_, fail_on_;
  double max_waste_percent_ = -1, min_efficiency_ = -1;
  bool require_non_root_ = false, require_healthcheck_ = false;
  std::string format_ = "text";
};

}  // namespace

std::unique_ptr<Command> make_check_command(CLI::App& app) { return std::make_unique<CheckCommand>(app); }

}  // namespace layerscope::cli

#include "cli/command.h"
#include "layerscope/error.h"
#include "layerscope/history.h"
#include "util/units.h"

namespace layerscope::cli {

namespace {

class TrendCommand : public Command {
 public:
  explicit TrendCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("trend", "Size over time from the history database: jumps, creep and why");
    app_->add_option("--db", db_, "History database")->capture_default_str();
    app_->add_option("--image,--series", series_, "Series to show (needed when the database holds several)");
    app_->add_option("--since", since_, "Only builds recorded at or after this time (ISO 8601)");
    app_->add_option("--last", last_, "Only the last N builds (after --since)");
    app_->add_option("--format", format_, "Output format: text, json, markdown, csv or svg")
        ->check(CLI::IsMember({"text", "json", "markdown", "csv", "svg"}));
    app_->add_option("-o,--output", output_, "Write the report to this file instead of stdout");
    app_->add_option("--metric", metric_, "Size to follow: content, compressed or final")
        ->check(CLI::IsMember({"content", "compressed", "final"}));
    app_->add_option("--baseline", options_.baseline_builds, "Builds whose median is the baseline")
        ->capture_default_str();
    app_->add_option("--jump-percent", options_.jump_percent, "Significant change, percent part (0 = ignore)")
        ->capture_default_str();
    app_->add_option("--jump-bytes", jump_bytes_, "Significant change, size part (0 = ignore)")->capture_default_str();
    app_->add_option("--fail-on-growth", fail_on_growth_,
                     "Exit 1 when the latest build grew more than this against its baseline: 5% or 50MB");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    std::optional<GrowthLimit> gate;
    if (!fail_on_growth_.empty()) {
      gate = parse_growth_limit(fail_on_growth_);
      if (!gate) throw Error(ErrorKind::kUsage, "--fail-on-growth: expected a percentage (5%) or a size (50MB), got '" +
                                                    fail_on_growth_ + "'");
    }
    auto bytes = parse_byte_size(jump_bytes_);
    if (!bytes) throw Error(ErrorKind::kUsage, "--jump-bytes: not a size: '" + jump_bytes_ + "'");
    options_.jump_bytes = *bytes;
    if (options_.baseline_builds == 0) throw Error(ErrorKind::kUsage, "--baseline: needs at least 1 build");
    if (options_.jump_percent < 0) throw Error(ErrorKind::kUsage, "--jump-percent: must not be negative");
    options_.metric = metric_ == "compressed" ? TrendMetric::kCompressed
                      : metric_ == "final"    ? TrendMetric::kFinal
                                              : TrendMetric::kContent;
    SnapshotQuery q;
    q.since = since_.empty() ? "" : normalize_timestamp(since_, "--since");
    q.last = last_;

    HistoryStore store(db_, HistoryStore::OpenMode::kExisting);
    auto all = store.series();
    q.series = pick_series(all);
    Trend trend = compute_trend(store.query(q), options_);
    trend.series = q.series;
    if (gate) apply_growth_gate(trend, *gate);

    std::string out = format_ == "json"       ? render_trend_json(trend)
                      : format_ == "markdown" ? render_trend_markdown(trend)
                      : format_ == "csv"      ? render_trend_csv(trend)
                      : format_ == "svg"      ? render_trend_svg(trend)
                                              : render_trend_text(trend);
    write_output(output_, out);
    return trend.gate && trend.gate->failed ? kExitGateFailed : kExitOk;
  }

 private:
  std::string pick_series(const std::vector<std::pair<std::string, uint64_t>>& all) const {
    std::string known;
    for (const auto& [name, count] : all) known += (known.empty() ? "" : ", ") + name;
    if (!series_.empty()) {
      for (const auto& [name, count] : all) {
        if (name == series_) return name;
      }
      throw Error(ErrorKind::kNotFound, db_ + ": no snapshots of '" + series_ + "'" +
                                           (known.empty() ? std::string(" (the database is empty)") : "; it holds: " + known));
    }
    if (all.size() == 1) return all.front().first;
    if (all.empty()) throw Error(ErrorKind::kNotFound, db_ + ": the database holds no snapshots yet");
    throw Error(ErrorKind::kUsage, "the database holds several series; choose one with --image: " + known);
  }

  CLI::App* app_;
  std::string db_ = kDefaultHistoryPath;
  std::string series_;
  std::string since_;
  size_t last_ = 0;
  std::string format_ = "text";
  std::string output_;
  std::string metric_ = "content";
  TrendOptions options_;
  std::string jump_bytes_ = "1MB";
  std::string fail_on_growth_;
};

}  // namespace

std::unique_ptr<Command> make_trend_command(CLI::App& app) { return std::make_unique<TrendCommand>(app); }

}  // namespace layerscope::cli

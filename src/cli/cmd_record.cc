#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <cstdlib>

#include "cli/command.h"
#include "layerscope/error.h"
#include "layerscope/history.h"
#include "util/units.h"

namespace layerscope::cli {

namespace {

// Test hook (documented in docs/history.md): milliseconds to sleep inside the write
// transaction, so a test can SIGKILL `record` while a snapshot is half written.
constexpr const char* kDelayEnv = "LAYERSCOPE_TEST_RECORD_DELAY_MS";

unsigned delay_from_env() {
  const char* v = std::getenv(kDelayEnv);
  if (!v || !*v) return 0;
  char* end = nullptr;
  unsigned long ms = std::strtoul(v, &end, 10);
  if (*end != '\0' || ms > 600000) throw Error(ErrorKind::kUsage, std::string(kDelayEnv) + ": not a delay in ms: '" + v + "'");
  return static_cast<unsigned>(ms);
}

class RecordCommand : public Command {
 public:
  explicit RecordCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("record", "Analyse an image and store a snapshot of its sizes in the history database");
    image_.add_to(app_);
    app_->add_option("--db", db_, "History database (created when missing)")->capture_default_str();
    app_->add_option("--label", labels_, "KEY=VALUE to store with the snapshot (repeatable), e.g. commit=abc123");
    app_->add_option("--time", time_, "Record time, ISO 8601 (default: now, UTC), for backfills and tests");
    app_->add_option("--series", series_, "Series name `trend --image` selects (default: the image name without its tag)");
    app_->add_option("--format", format_, "Confirmation format: text or json")->check(CLI::IsMember({"text", "json"}));
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    // Everything the user typed is checked before the (possibly long) analysis.
    SnapshotOptions so;
    so.recorded_at = time_.empty() ? current_timestamp() : normalize_timestamp(time_, "--time");
    so.series = series_;
    for (const auto& l : labels_) so.labels.push_back(parse_label(l));
    AppendOptions ao;
    ao.in_transaction_delay_ms = delay_from_env();

    Analysis a = analyze(image_.resolve(image_.analyze.reference));
    // The snapshot, its transaction and the one-line answer are the run's last phase.
    image_.report([&] {
      Snapshot s = make_snapshot(a, so);
      HistoryStore store(db_, HistoryStore::OpenMode::kCreate);
      s.id = store.append(s, ao);
      if (format_ == "json") {
        nlohmann::ordered_json j;
        j["id"] = s.id;
        j["series"] = s.series;
        j["recorded_at"] = s.recorded_at;
        j["content_bytes"] = s.content_bytes;
        j["compressed_bytes"] = s.compressed_bytes;
        j["db"] = store.path();
        write_output("", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      } else {
        write_output("", fmt::format("recorded snapshot #{} of {} at {}: content {}, compressed {}, {} layers -> {}\n",
                                     s.id, s.series, s.recorded_at, human_bytes(s.content_bytes),
                                     human_bytes(s.compressed_bytes), s.layers, store.path()));
      }
    }, "record");
    return kExitOk;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  std::string db_ = kDefaultHistoryPath;
  std::vector<std::string> labels_;
  std::string time_;
  std::string series_;
  std::string format_ = "text";
};

}  // namespace

std::unique_ptr<Command> make_record_command(CLI::App& app) { return std::make_unique<RecordCommand>(app); }

}  // namespace layerscope::cli

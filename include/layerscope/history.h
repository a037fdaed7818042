// Image growth over time: a compact snapshot of each analysed build (`layerscope record`), a
// SQLite store that keeps them (WAL, one transaction per snapshot, versioned schema), and the
// trend over a series of snapshots (`layerscope trend`): size per build, the builds where the
// size changed significantly against the previous build or against a baseline, why, and a
// growth gate for CI. docs/history.md describes the behaviour for users.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "layerscope/analysis.h"
#include "layerscope/diff.h"

namespace layerscope {

// ---- Snapshots --------------------------------------------------------------------------

struct SnapshotLayer {
  std::string diff_id;
  std::string instruction;
  uint64_t content_bytes = 0;
  uint64_t compressed_bytes = 0;
};

struct SnapshotInstruction {
  std::string instruction;
  uint64_t layers = 0;
  uint64_t content_bytes = 0;
  uint64_t compressed_bytes = 0;
};

struct SnapshotDir {
  std::string path;  // absolute
  uint64_t bytes = 0;
  uint64_t files = 0;
};

struct FindingTally {
  std::string rule;
  uint64_t count = 0;
  uint64_t bytes = 0;          // Σ bytes the findings are about
  uint64_t savings_bytes = 0;  // Σ what their fixes save (each byte counted once)
};

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by key, keys unique

struct Snapshot {
  int64_t id = 0;           // assigned by the store
  std::string recorded_at;  // "YYYY-MM-DDTHH:MM:SSZ" (UTC)
  std::string series;       // what `trend --image` selects (see series_of)
  std::string reference, name, platform, manifest_digest, config_digest;
  std::string tool_version;
  Labels labels;
  uint64_t layers = 0, compressed_bytes = 0, tar_bytes = 0, content_bytes = 0, final_bytes = 0, files = 0;
  std::vector<SnapshotLayer> layer_sizes;          // in layer order
  std::vector<SnapshotInstruction> instructions;   // by instruction text
  // Final-tree directories: every directory holding at least dir_min_bytes is listed (the
  // cut-off is 1% of the final size), so a directory missing here is known to be smaller.
  uint64_t dir_min_bytes = 0;
  std::vector<SnapshotDir> dirs;                   // by path
  std::vector<FindingTally> findings;              // the rules engine's findings, by rule
};

struct SnapshotOptions {
  std::string recorded_at;  // normalized timestamp; "" = now
  std::string series;       // "" = series_of(image)
  Labels labels;
};

// The series a build belongs to: the image name without its tag or digest
// ("registry/app:1.2" -> "registry/app"), else the reference as written.
std::string series_of(const ImageInfo& image);

// The findings summary is Analysis::findings tallied per rule.
Snapshot make_snapshot(const Analysis& analysis, const SnapshotOptions& options);

// "key=value" -> pair; throws Error(kUsage) when there is no '=' or the key is empty.
std::pair<std::string, std::string> parse_label(std::string_view text);

// Timestamps: ISO 8601 in, "YYYY-MM-DDTHH:MM:SSZ" (UTC) out. Accepts a date alone
// ("2026-01-05" = midnight UTC), a 'T' or ' ' separator, fractional seconds (dropped), and
// "Z" or a "+hh:mm"/"-hh:mm" offset. Throws Error(kUsage) naming `what` otherwise.
std::string normalize_timestamp(std::string_view text, std::string_view what = "time");
std::string current_timestamp();

// ---- The store --------------------------------------------------------------------------

struct SnapshotQuery {
  std::string series;  // "" = all
  std::string since;   // normalized timestamp; "" = from the start
  size_t last = 0;     // keep only the last N (after `since`); 0 = all
};

struct AppendOptions {
  // Test hook: sleep this long inside the write transaction, after the snapshot row and
  // before its labels and the commit, so a test can kill the writer mid-transaction.
  unsigned in_transaction_delay_ms = 0;
};

class HistoryStore {
 public:
  static constexpr int kSchemaVersion = 1;
  static constexpr int kBusyTimeoutMs = 30000;

  enum class OpenMode { kCreate, kExisting };
  // Opens (creating the file and its directory with kCreate), switches to WAL and migrates
  // the schema to kSchemaVersion. Throws Error(kNotFound) for a missing file with kExisting,
  // Error(kConfig) for a database written by a newer layerscope, Error(kIo) otherwise.
  HistoryStore(const std::string& path, OpenMode mode);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // One transaction per snapshot; returns the new id.
  int64_t append(const Snapshot& snapshot, const AppendOptions& options = {});
  // Ordered by recorded_at, then id.
  std::vector<Snapshot> query(const SnapshotQuery& query) const;
  // Every series and how many snapshots it has, by name.
  std::vector<std::pair<std::string, uint64_t>> series() const;
  int schema_version() const;
  const std::string& path() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

inline constexpr const char* kDefaultHistoryPath = ".layerscope/history.db";

// ---- Trend ------------------------------------------------------------------------------

enum class TrendMetric { kContent, kCompressed, kFinal };
const char* trend_metric_name(TrendMetric metric);  // "content_bytes" | "compressed_bytes" | "final_bytes"

struct TrendOptions {
  TrendMetric metric = TrendMetric::kContent;
  // The baseline of a build is the median of the first `baseline_builds` builds of its
  // segment; a segment starts with the window and again at every flagged build.
  size_t baseline_builds = 5;
  // A change is significant when it is at least jump_bytes AND at least jump_percent of the
  // size it is compared with (0 disables that half).
  uint64_t jump_bytes = 1'000'000;
  double jump_percent = 5.0;
};

enum class TrendEventKind {
  kNone,
  kJump,   // grew significantly against the previous build
  kCreep,  // grew significantly against the baseline, by steps each below the thresholds
  kDrop,   // shrank significantly (against the previous build or the baseline)
};
const char* trend_event_name(TrendEventKind kind);  // "" | "jump" | "creep" | "drop"

struct TrendPoint {
  int64_t id = 0;
  std::string recorded_at, reference, name, manifest_digest;
  Labels labels;
  uint64_t compressed_bytes = 0, content_bytes = 0, final_bytes = 0;
  uint64_t value = 0;  // the metric

  bool has_previous = false;
  int64_t delta_previous = 0;
  std::optional<double> percent_previous;  // nullopt when the previous value is 0

  bool has_baseline = false;
  uint64_t baseline = 0;
  size_t baseline_point = 0;  // the build whose value is the baseline (lower median)
  int64_t delta_baseline = 0;
  std::optional<double> percent_baseline;

  TrendEventKind event = TrendEventKind::kNone;
};

struct TrendExplanation {
  std::vector<LayerDelta> layers;              // changed layers, largest growth first
  std::vector<InstructionDelta> instructions;  // changed instructions, largest growth first
  std::vector<PathDelta> dirs;                 // the directories that explain the change
  bool dirs_approximate = false;  // a directory below one side's cut-off was counted as 0
};

struct TrendEvent {
  size_t point = 0;        // index into Trend::points
  TrendEventKind kind = TrendEventKind::kNone;
  size_t compared_to = 0;  // the previous build (jump, drop) or the baseline build (creep, drop)
  bool against_baseline = false;
  int64_t delta = 0;
  std::optional<double> percent;
  TrendExplanation explanation;
};

// "5%" or a size ("50MB", "1.5GiB", "1000").
struct GrowthLimit {
  bool is_percent = false;
  double percent = 0;
  uint64_t bytes = 0;
};
std::optional<GrowthLimit> parse_growth_limit(std::string_view text);
std::string growth_limit_text(const GrowthLimit& limit);  // "5%" | "50.0 MB"

struct GrowthGate {
  GrowthLimit limit;
  bool evaluated = false;  // false with fewer than two builds: nothing to compare with
  uint64_t baseline = 0;
  uint64_t latest = 0;
  int64_t delta = 0;
  std::optional<double> percent;
  bool failed = false;     // the latest build grew past the limit against its baseline
};

struct Trend {
  std::string series;
  TrendOptions options;
  std::vector<TrendPoint> points;  // oldest first
  std::vector<TrendEvent> events;  // in build order
  std::optional<GrowthGate> gate;
};

// `snapshots` in build order (as HistoryStore::query returns them), one series.
Trend compute_trend(const std::vector<Snapshot>& snapshots, const TrendOptions& options);

// The CI gate: compares the latest build with its baseline (TrendPoint::baseline).
void apply_growth_gate(Trend& trend, const GrowthLimit& limit);

// Renderers: deterministic, no clock.
inline constexpr int kTrendJsonSchemaVersion = 1;
std::string render_trend_text(const Trend& trend);
std::string render_trend_json(const Trend& trend);
std::string render_trend_markdown(const Trend& trend);
std::string render_trend_csv(const Trend& trend);
std::string render_trend_svg(const Trend& trend);  // one self-contained SVG document

}  // namespace layerscope

// Trend detection over a series of snapshots (oldest first), on one metric (content bytes by
// default).
//
// A change is *significant* when it is at least `jump_bytes` and at least `jump_percent` of
// the size it is compared with. Every build is compared twice:
//   * with the previous build: a significant growth is a *jump*, a significant shrink a *drop*;
//   * with its baseline: the median of the first `baseline_builds` builds of its segment.
//     A segment begins with the first build of the window and again at every flagged build,
//     so after a jump or a drop the new size is the new normal, and a slow creep is measured
//     from a fixed reference until it adds up: a significant growth against the baseline that
//     is not a jump is *creep* (and a significant shrink a drop).
// A sliding median would follow slow creep and never flag it, which is why the baseline is
// anchored at the start of the segment. The median is the lower one for an even count, so the
// baseline is always the size of a real build, which the explanation then compares with.
//
// Explanations compare the flagged build with the build it was measured against: layers
// aligned as `diff` aligns them, instructions by text, final-tree directories from the
// snapshots' directory lists (a directory absent on one side is below that side's cut-off and
// counted as 0, which is then marked approximate).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "history/explain.h"
#include "history/layer_pairing.h"
#include "layerscope/history.h"
#include "util/text.h"
#include "util/units.h"

namespace layerscope {

namespace {

int64_t trend_delta(uint64_t a, uint64_t b) { return static_cast<int64_t>(b) - static_cast<int64_t>(a); }

std::optional<double> percent_of(int64_t delta, uint64_t base) {
  if (base == 0) return std::nullopt;
  return static_cast<double>(delta) * 100.0 / static_cast<double>(base);
}

uint64_t metric_of(const Snapshot& s, TrendMetric m) {
  switch (m) {
    case TrendMetric::kCompressed: return s.compressed_bytes;
    case TrendMetric::kFinal: return s.final_bytes;
    case TrendMetric::kContent: break;
  }
  return s.content_bytes;
}

bool significant(int64_t delta, uint64_t base, const TrendOptions& o) {
  if (delta == 0) return false;
  uint64_t mag = magnitude(delta);
  if (mag < o.jump_bytes) return false;
  if (o.jump_percent > 0 && base > 0 &&
      static_cast<double>(mag) * 100.0 < o.jump_percent * static_cast<double>(base)) {
    return false;
  }
  return true;
}

// Orders by change in the direction of the event: the largest growth first for a growth,
// the largest shrink first for a drop; ties by the caller's order.
template <typename T, typename Delta>
void sort_by_direction(std::vector<T>& v, bool growth, Delta delta_of) {
  std::stable_sort(v.begin(), v.end(), [&](const T& x, const T& y) {
    return growth ? delta_of(x) > delta_of(y) : delta_of(x) < delta_of(y);
  });
}

TrendExplanation explain(const Snapshot& a, const Snapshot& b, bool growth) {
  TrendExplanation ex;

  std::vector<LayerKey> ak, bk;
  for (const auto& l : a.layer_sizes) ak.push_back({l.diff_id, l.instruction});
  for (const auto& l : b.layer_sizes) bk.push_back({l.diff_id, l.instruction});
  for (const auto& p : pair_layers(ak, bk)) {
    LayerDelta d;
    d.old_index = p.old_index;
    d.new_index = p.new_index;
    if (p.old_index >= 0) {
      const SnapshotLayer& l = a.layer_sizes[p.old_index];
      d.old_diff_id = l.diff_id;
      d.old_instruction = l.instruction;
      d.old_content_bytes = l.content_bytes;
      d.old_compressed_bytes = l.compressed_bytes;
    }
    if (p.new_index >= 0) {
      const SnapshotLayer& l = b.layer_sizes[p.new_index];
      d.new_diff_id = l.diff_id;
      d.new_instruction = l.instruction;
      d.new_content_bytes = l.content_bytes;
      d.new_compressed_bytes = l.compressed_bytes;
    }
    if (p.old_index >= 0 && p.new_index >= 0) {
      d.change = d.old_diff_id == d.new_diff_id ? LayerChangeKind::kUnchanged : LayerChangeKind::kChanged;
    } else {
      d.change = p.old_index >= 0 ? LayerChangeKind::kRemoved : LayerChangeKind::kAdded;
    }
    if (d.change == LayerChangeKind::kUnchanged) continue;
    d.content_delta = trend_delta(d.old_content_bytes, d.new_content_bytes);
    d.compressed_delta = trend_delta(d.old_compressed_bytes, d.new_compressed_bytes);
    ex.layers.push_back(std::move(d));
  }
  sort_by_direction(ex.layers, growth, [](const LayerDelta& d) { return d.content_delta; });

  std::map<std::string, InstructionDelta> by_text;
  for (const auto& in : a.instructions) {
    InstructionDelta& d = by_text[in.instruction];
    d.instruction = in.instruction;
    d.old_layers = in.layers;
    d.old_content_bytes = in.content_bytes;
    d.old_compressed_bytes = in.compressed_bytes;
  }
  for (const auto& in : b.instructions) {
    InstructionDelta& d = by_text[in.instruction];
    d.instruction = in.instruction;
    d.new_layers = in.layers;
    d.new_content_bytes = in.content_bytes;
    d.new_compressed_bytes = in.compressed_bytes;
  }
  for (auto& [text, d] : by_text) {
    d.content_delta = trend_delta(d.old_content_bytes, d.new_content_bytes);
    d.compressed_delta = trend_delta(d.old_compressed_bytes, d.new_compressed_bytes);
    if (d.content_delta != 0 || d.compressed_delta != 0 || d.old_layers != d.new_layers) ex.instructions.push_back(d);
  }
  sort_by_direction(ex.instructions, growth, [](const InstructionDelta& d) { return d.content_delta; });

  std::map<std::string, uint64_t> ad, bd;
  for (const auto& d : a.dirs) ad[d.path] = d.bytes;
  for (const auto& d : b.dirs) bd[d.path] = d.bytes;
  ex.dirs = explaining_dirs(dir_deltas(ad, bd), trend_delta(a.final_bytes, b.final_bytes));
  for (const auto& d : ex.dirs) {
    bool in_a = ad.count(d.path) != 0, in_b = bd.count(d.path) != 0;
    if ((!in_a && a.dir_min_bytes > 1) || (!in_b && b.dir_min_bytes > 1)) ex.dirs_approximate = true;
  }
  return ex;
}

}  // namespace

const char* trend_metric_name(TrendMetric metric) {
  switch (metric) {
    case TrendMetric::kContent: return "content_bytes";
    case TrendMetric::kCompressed: return "compressed_bytes";
    case TrendMetric::kFinal: return "final_bytes";
  }
  return "content_bytes";
}

const char* trend_event_name(TrendEventKind kind) {
  switch (kind) {
    case TrendEventKind::kNone: return "";
    case TrendEventKind::kJump: return "jump";
    case TrendEventKind::kCreep: return "creep";
    case TrendEventKind::kDrop: return "drop";
  }
  return "";
}

std::optional<GrowthLimit> parse_growth_limit(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  GrowthLimit limit;
  if (text.back() == '%') {
    std::string number(text.substr(0, text.size() - 1));
    if (number.empty() || number.find_first_not_of("0123456789.") != std::string::npos) return std::nullopt;
    if (std::count(number.begin(), number.end(), '.') > 1 || number == ".") return std::nullopt;
    limit.is_percent = true;
    limit.percent = std::stod(number);
    if (!std::isfinite(limit.percent)) return std::nullopt;
    return limit;
  }
  auto bytes = parse_byte_size(text);
  if (!bytes) return std::nullopt;
  limit.bytes = *bytes;
  return limit;
}

std::string growth_limit_text(const GrowthLimit& limit) {
  if (!limit.is_percent) return human_bytes(limit.bytes);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", limit.percent);
  return buf;
}

Trend compute_trend(const std::vector<Snapshot>& snapshots, const TrendOptions& options) {
  Trend t;
  t.options = options;
  const size_t window = std::max<size_t>(1, options.baseline_builds);
  if (!snapshots.empty()) t.series = snapshots.front().series;
  size_t segment = 0;  // first build of the current segment
  for (size_t i = 0; i < snapshots.size(); ++i) {
    const Snapshot& s = snapshots[i];
    TrendPoint p;
    p.id = s.id;
    p.recorded_at = s.recorded_at;
    p.reference = s.reference;
    p.name = s.name;
    p.manifest_digest = s.manifest_digest;
    p.labels = s.labels;
    p.compressed_bytes = s.compressed_bytes;
    p.content_bytes = s.content_bytes;
    p.final_bytes = s.final_bytes;
    p.value = metric_of(s, options.metric);
    if (i > 0) {
      const TrendPoint& prev = t.points[i - 1];
      p.has_previous = true;
      p.delta_previous = trend_delta(prev.value, p.value);
      p.percent_previous = percent_of(p.delta_previous, prev.value);
    }
    if (i > segment) {
      std::vector<size_t> w;
      for (size_t k = segment; k < i && k < segment + window; ++k) w.push_back(k);
      std::stable_sort(w.begin(), w.end(), [&](size_t x, size_t y) { return t.points[x].value < t.points[y].value; });
      p.has_baseline = true;
      p.baseline_point = w[(w.size() - 1) / 2];
      p.baseline = t.points[p.baseline_point].value;
      p.delta_baseline = trend_delta(p.baseline, p.value);
      p.percent_baseline = percent_of(p.delta_baseline, p.baseline);
    }

    TrendEvent ev;
    ev.point = i;
    if (p.has_previous && significant(p.delta_previous, t.points[i - 1].value, options)) {
      ev.kind = p.delta_previous > 0 ? TrendEventKind::kJump : TrendEventKind::kDrop;
      ev.compared_to = i - 1;
      ev.delta = p.delta_previous;
      ev.percent = p.percent_previous;
    } else if (p.has_baseline && significant(p.delta_baseline, p.baseline, options)) {
      ev.kind = p.delta_baseline > 0 ? TrendEventKind::kCreep : TrendEventKind::kDrop;
      ev.compared_to = p.baseline_point;
      ev.against_baseline = true;
      ev.delta = p.delta_baseline;
      ev.percent = p.percent_baseline;
    }
    p.event = ev.kind;
    t.points.push_back(std::move(p));
    if (ev.kind != TrendEventKind::kNone) {
      ev.explanation = explain(snapshots[ev.compared_to], s, ev.delta > 0);
      t.events.push_back(std::move(ev));
      segment = i;
    }
  }
  return t;
}

void apply_growth_gate(Trend& trend, const GrowthLimit& limit) {
  GrowthGate g;
  g.limit = limit;
  if (!trend.points.empty()) {
    const TrendPoint& p = trend.points.back();
    g.latest = p.value;
    if (p.has_baseline) {
      g.evaluated = true;
      g.baseline = p.baseline;
      g.delta = p.delta_baseline;
      g.percent = p.percent_baseline;
      if (g.delta > 0) {
        if (limit.is_percent) {
          g.failed = g.baseline == 0 ||
                     static_cast<double>(g.delta) * 100.0 > limit.percent * static_cast<double>(g.baseline);
        } else {
          g.failed = static_cast<uint64_t>(g.delta) > limit.bytes;
        }
      }
    }
  }
  trend.gate = g;
}

}  // namespace layerscope

// `layerscope trend` for people: one row per build with its change against the previous
// build and against its baseline, then every flagged build with its explanation (which
// layers, instructions and directories moved), then the growth gate when asked for.
#include <fmt/format.h>

#include "layerscope/history.h"
#include "report/delta_util.h"
#include "report/text_util.h"
#include "report/trend_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

void explanation(std::string& out, const TrendExplanation& ex) {
  auto row = [&](const std::string& label, int64_t delta, const std::string& what) {
    out += fmt::format("      {:<22}{:>10}  {}\n", label, human_delta(delta), what);
  };
  size_t shown = 0;
  for (const auto& l : ex.layers) {
    if (++shown > 3) break;
    int index = l.new_index >= 0 ? l.new_index : l.old_index;
    row(fmt::format("layer {} {}", index, layer_change_name(l.change)), l.content_delta, fit(l.instruction(), 90));
  }
  shown = 0;
  for (const auto& in : ex.instructions) {
    if (++shown > 3) break;
    row("instruction", in.content_delta, fit(in.instruction, 90));
  }
  for (const auto& d : ex.dirs) {
    row(ex.dirs_approximate ? "directory (≈)" : "directory", d.delta, fit(d.path, 100));
  }
}

}  // namespace

std::string render_trend_text(const Trend& t) {
  std::string out;
  if (t.points.empty()) return "No snapshots recorded for this selection.\n";
  out += fmt::format("Trend of {}: {} builds, {} … {}\n", t.series, t.points.size(), t.points.front().recorded_at,
                     t.points.back().recorded_at);
  out += trend_rules_text(t.options) + "\n(1 MB = 1,000,000 bytes)\n\n";
  out += fmt::format("  {:>6}  {:<20} {:>10} {:>10}  {:>19}  {:>19}  {:<6} {}\n", "build", "recorded", "content",
                     "compressed", "Δ previous", "Δ baseline", "event", "labels");
  for (const auto& p : t.points) {
    std::string prev = p.has_previous ? human_delta(p.delta_previous) + " " + percent_text(p.percent_previous) : "";
    std::string base = p.has_baseline ? human_delta(p.delta_baseline) + " " + percent_text(p.percent_baseline) : "";
    out += fmt::format("  {:>6}  {:<20} {:>10} {:>10}  {:>19}  {:>19}  {:<6} {}\n", fmt::format("#{}", p.id),
                       p.recorded_at, human_bytes(p.content_bytes), human_bytes(p.compressed_bytes), prev, base,
                       trend_event_name(p.event), fit(labels_text(p.labels), 60));
  }
  out += fmt::format("\nFlagged builds ({})\n", t.events.size());
  if (t.events.empty()) out += "  none\n";
  for (const auto& e : t.events) {
    const TrendPoint& p = t.points[e.point];
    out += fmt::format("  #{} {}  {}\n", p.id, p.recorded_at, trend_event_text(t, e));
    explanation(out, e.explanation);
  }
  if (t.gate) out += fmt::format("\n{}\n", trend_gate_text(t));
  return trim_line_ends(std::move(out));
}

}  // namespace layerscope

// `layerscope trend --format markdown`: for a CI summary or a periodic report. The flagged
// builds and their explanations come first; the full table is folded.
#include <fmt/format.h>

#include "layerscope/history.h"
#include "report/delta_util.h"
#include "report/text_util.h"
#include "report/trend_util.h"
#include "util/units.h"

namespace layerscope {

std::string render_trend_markdown(const Trend& t) {
  std::string out = fmt::format("### Image growth: {}\n\n", md_code(t.series));
  if (t.points.empty()) return out + "No snapshots recorded for this selection.\n";
  const TrendPoint& first = t.points.front();
  const TrendPoint& last = t.points.back();
  int64_t total = static_cast<int64_t>(last.value) - static_cast<int64_t>(first.value);
  out += fmt::format("{} builds from {} to {}: {} → {} ({}, {}).\n\n", t.points.size(), first.recorded_at,
                     last.recorded_at, human_bytes(first.value), human_bytes(last.value), human_delta(total),
                     percent_change(total, first.value));
  if (t.gate) out += (t.gate->failed ? ":x: " : ":white_check_mark: ") + trend_gate_text(t) + "\n\n";
  out += fmt::format("_{}; 1 MB = 1,000,000 bytes._\n\n", trend_rules_text(t.options));

  if (t.events.empty()) {
    out += "No build changed size significantly.\n";
  } else {
    out += "| build | recorded | change | why |\n|---|---|---|---|\n";
    for (const auto& e : t.events) {
      const TrendPoint& p = t.points[e.point];
      std::string why;
      if (!e.explanation.layers.empty()) {
        const LayerDelta& l = e.explanation.layers.front();
        why += fmt::format("{} from {}", human_delta(l.content_delta), md_code(fit(l.instruction(), 60)));
      }
      if (!e.explanation.dirs.empty()) {
        why += (why.empty() ? "" : ", ") + std::string("mostly ") + md_code(short_path(e.explanation.dirs.front().path));
      }
      out += fmt::format("| #{} | {} | {} | {} |\n", p.id, p.recorded_at, md_cell(trend_event_text(t, e)), why);
    }
  }

  out += "\n<details><summary>All builds</summary>\n\n";
  out += "| build | recorded | content | compressed | Δ previous | Δ baseline | event |\n|---|---|---:|---:|---:|---:|---|\n";
  for (const auto& p : t.points) {
    out += fmt::format("| #{} | {} | {} | {} | {} | {} | {} |\n", p.id, p.recorded_at, human_bytes(p.content_bytes),
                       human_bytes(p.compressed_bytes), p.has_previous ? human_delta(p.delta_previous) : "",
                       p.has_baseline ? human_delta(p.delta_baseline) : "", trend_event_name(p.event));
  }
  out += "\n</details>\n";
  return out;
}

}  // namespace layerscope

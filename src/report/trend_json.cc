// `layerscope trend --format json`: the options the trend was computed with, every build with
// its deltas, every flagged build with its explanation, and the gate. Integer bytes; percents
// rounded to two decimals (null when the compared size is 0).
#include <cmath>
#include <nlohmann/json.hpp>

#include "layerscope/history.h"
#include "layerscope_version.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

json pct(std::optional<double> p) {
  if (!p) return nullptr;
  return std::round(*p * 100.0) / 100.0;
}

json labels_json(const Labels& labels) {
  json j = json::object();
  for (const auto& [k, v] : labels) j[k] = v;
  return j;
}

json explanation_json(const TrendExplanation& ex) {
  json layers = json::array();
  for (const auto& l : ex.layers) {
    layers.push_back({{"change", layer_change_name(l.change)},
                      {"old_index", l.old_index >= 0 ? json(l.old_index) : json(nullptr)},
                      {"new_index", l.new_index >= 0 ? json(l.new_index) : json(nullptr)},
                      {"instruction", l.instruction()},
                      {"old_content_bytes", l.old_content_bytes},
                      {"new_content_bytes", l.new_content_bytes},
                      {"content_delta", l.content_delta},
                      {"compressed_delta", l.compressed_delta}});
  }
  json instructions = json::array();
  for (const auto& in : ex.instructions) {
    instructions.push_back({{"instruction", in.instruction},
                            {"old_content_bytes", in.old_content_bytes},
                            {"new_content_bytes", in.new_content_bytes},
                            {"content_delta", in.content_delta},
                            {"compressed_delta", in.compressed_delta}});
  }
  json dirs = json::array();
  for (const auto& d : ex.dirs) {
    dirs.push_back({{"path", d.path}, {"old_bytes", d.old_bytes}, {"new_bytes", d.new_bytes}, {"delta", d.delta}});
  }
  return json{{"layers", std::move(layers)},
              {"instructions", std::move(instructions)},
              {"directories", std::move(dirs)},
              {"directories_approximate", ex.dirs_approximate}};
}

}  // namespace

std::string render_trend_json(const Trend& t) {
  json j;
  j["schema_version"] = kTrendJsonSchemaVersion;
  j["kind"] = "trend";
  j["tool"] = {{"name", "layerscope"}, {"version", LAYERSCOPE_VERSION}};
  j["series"] = t.series;
  j["metric"] = trend_metric_name(t.options.metric);
  j["options"] = {{"baseline_builds", t.options.baseline_builds},
                  {"jump_bytes", t.options.jump_bytes},
                  {"jump_percent", t.options.jump_percent}};
  json builds = json::array();
  for (const auto& p : t.points) {
    json b;
    b["id"] = p.id;
    b["recorded_at"] = p.recorded_at;
    b["reference"] = p.reference;
    b["name"] = p.name;
    b["manifest_digest"] = p.manifest_digest;
    b["labels"] = labels_json(p.labels);
    b["content_bytes"] = p.content_bytes;
    b["compressed_bytes"] = p.compressed_bytes;
    b["final_bytes"] = p.final_bytes;
    b["value"] = p.value;
    b["delta_previous"] = p.has_previous ? json(p.delta_previous) : json(nullptr);
    b["percent_previous"] = p.has_previous ? pct(p.percent_previous) : json(nullptr);
    b["baseline"] = p.has_baseline ? json(p.baseline) : json(nullptr);
    b["baseline_id"] = p.has_baseline ? json(t.points[p.baseline_point].id) : json(nullptr);
    b["delta_baseline"] = p.has_baseline ? json(p.delta_baseline) : json(nullptr);
    b["percent_baseline"] = p.has_baseline ? pct(p.percent_baseline) : json(nullptr);
    b["event"] = p.event == TrendEventKind::kNone ? json(nullptr) : json(trend_event_name(p.event));
    builds.push_back(std::move(b));
  }
  j["builds"] = std::move(builds);
  json events = json::array();
  for (const auto& e : t.events) {
    const TrendPoint& p = t.points[e.point];
    const TrendPoint& other = t.points[e.compared_to];
    events.push_back({{"id", p.id},
                      {"recorded_at", p.recorded_at},
                      {"kind", trend_event_name(e.kind)},
                      {"against", e.against_baseline ? "baseline" : "previous"},
                      {"compared_id", other.id},
                      {"compared_value", other.value},
                      {"value", p.value},
                      {"delta", e.delta},
                      {"percent", pct(e.percent)},
                      {"explanation", explanation_json(e.explanation)}});
  }
  j["events"] = std::move(events);
  if (t.gate) {
    const GrowthGate& g = *t.gate;
    j["gate"] = {{"limit", growth_limit_text(g.limit)},
                 {"limit_percent", g.limit.is_percent ? json(g.limit.percent) : json(nullptr)},
                 {"limit_bytes", g.limit.is_percent ? json(nullptr) : json(g.limit.bytes)},
                 {"evaluated", g.evaluated},
                 {"baseline", g.baseline},
                 {"latest", g.latest},
                 {"delta", g.delta},
                 {"percent", pct(g.percent)},
                 {"failed", g.failed}};
  } else {
    j["gate"] = nullptr;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

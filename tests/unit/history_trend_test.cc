// Trend detection on synthetic series: jumps against the previous build, creep against the
// anchored baseline, drops, the growth gate, explanations and the renderers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "layerscope/history.h"

using namespace layerscope;

namespace {

// A build of three layers: a fixed base, an app layer of `app` bytes under /app/data, and
// optionally a torch layer under /usr/lib/python3/site-packages/torch.
Snapshot build(int64_t id, uint64_t app, uint64_t torch = 0) {
  Snapshot s;
  s.id = id;
  char t[32];
  std::snprintf(t, sizeof t, "2026-01-%02lldT00:00:00Z", static_cast<long long>(id));
  s.recorded_at = t;
  s.series = "app";
  s.reference = "build-" + std::to_string(id);
  const uint64_t base = 500'000;
  s.layer_sizes.push_back({"sha256:base", "FROM debian", base, base / 2});
  s.layer_sizes.push_back({"sha256:app-" + std::to_string(app), "COPY . /app", app, app / 2});
  if (torch) s.layer_sizes.push_back({"sha256:torch", "RUN pip install torch", torch, torch / 2});
  for (const auto& l : s.layer_sizes) {
    s.instructions.push_back({l.instruction, 1, l.content_bytes, l.compressed_bytes});
    s.content_bytes += l.content_bytes;
    s.compressed_bytes += l.compressed_bytes;
  }
  std::sort(s.instructions.begin(), s.instructions.end(),
            [](const SnapshotInstruction& a, const SnapshotInstruction& b) { return a.instruction < b.instruction; });
  s.final_bytes = s.content_bytes;
  s.layers = s.layer_sizes.size();
  s.dir_min_bytes = s.final_bytes / 100;
  s.dirs.push_back({"/app", app, 1});
  s.dirs.push_back({"/app/data", app, 1});
  s.dirs.push_back({"/usr", base + torch, 2});
  if (torch) {
    s.dirs.push_back({"/usr/lib/python3/site-packages", torch, 1});
    s.dirs.push_back({"/usr/lib/python3/site-packages/torch", torch, 1});
  }
  s.dirs.push_back({"/usr/lib", base + torch, 2});
  std::sort(s.dirs.begin(), s.dirs.end(), [](const SnapshotDir& a, const SnapshotDir& b) { return a.path < b.path; });
  return s;
}

TrendOptions small_thresholds() {
  TrendOptions o;
  o.jump_bytes = 10'000;
  o.jump_percent = 5;
  o.baseline_builds = 5;
  return o;
}

std::vector<std::pair<int64_t, TrendEventKind>> events(const Trend& t) {
  std::vector<std::pair<int64_t, TrendEventKind>> out;
  for (const auto& e : t.events) out.emplace_back(t.points[e.point].id, e.kind);
  return out;
}

using Events = std::vector<std::pair<int64_t, TrendEventKind>>;

}  // namespace

TEST(Trend, SteadyNoiseFlagsNothing) {
  std::vector<Snapshot> s;
  for (int i = 1; i <= 12; ++i) s.push_back(build(i, 500'000 + (i % 3) * 5'000));  // ±1%
  Trend t = compute_trend(s, small_thresholds());
  EXPECT_TRUE(t.events.empty());
  ASSERT_EQ(t.points.size(), 12u);
  EXPECT_FALSE(t.points[0].has_previous);
  EXPECT_FALSE(t.points[0].has_baseline);
  EXPECT_TRUE(t.points[1].has_baseline);
  EXPECT_EQ(t.series, "app");
}

TEST(Trend, JumpAgainstThePreviousBuildAndItsExplanation) {
  std::vector<Snapshot> s;
  for (int i = 1; i <= 5; ++i) s.push_back(build(i, 500'000));
  s.push_back(build(6, 500'000, 150'000));  // +15%
  s.push_back(build(7, 500'000, 150'000));
  Trend t = compute_trend(s, small_thresholds());
  ASSERT_EQ(events(t), (Events{{6, TrendEventKind::kJump}}));
  const TrendEvent& e = t.events[0];
  EXPECT_EQ(e.delta, 150'000);
  EXPECT_FALSE(e.against_baseline);
  EXPECT_EQ(t.points[e.compared_to].id, 5);
  ASSERT_NEAR(*e.percent, 15.0, 1e-9);
  ASSERT_EQ(e.explanation.layers.size(), 1u);
  EXPECT_EQ(e.explanation.layers[0].change, LayerChangeKind::kAdded);
  EXPECT_EQ(e.explanation.layers[0].new_instruction, "RUN pip install torch");
  ASSERT_EQ(e.explanation.instructions.size(), 1u);
  EXPECT_EQ(e.explanation.instructions[0].content_delta, 150'000);
  ASSERT_FALSE(e.explanation.dirs.empty());
  EXPECT_EQ(e.explanation.dirs[0].path, "/usr/lib/python3/site-packages/torch");
  EXPECT_TRUE(e.explanation.dirs_approximate);  // absent from build 5, whose cut-off is 10 kB
  // After the jump the new size is the baseline: build 7 is not flagged again.
  EXPECT_EQ(t.points[6].baseline, 1'150'000u);
  EXPECT_EQ(t.points[6].delta_baseline, 0);
}

TEST(Trend, CreepIsCaughtAgainstTheAnchoredBaseline) {
  // +1.2% per build: never a jump, but 5% above the baseline after five steps.
  std::vector<Snapshot> s;
  for (int i = 1; i <= 5; ++i) s.push_back(build(i, 500'000));
  for (int i = 6; i <= 14; ++i) s.push_back(build(i, 500'000 + (i - 5) * 12'000));
  Trend t = compute_trend(s, small_thresholds());
  // Build 10 is 60 kB (6%) above the baseline; the segment restarts there and build 14 is
  // 48 kB (4.3%) above build 10's level: not yet.
  ASSERT_EQ(events(t), (Events{{10, TrendEventKind::kCreep}}));
  const TrendEvent& e = t.events[0];
  EXPECT_TRUE(e.against_baseline);
  EXPECT_EQ(e.delta, 60'000);
  EXPECT_EQ(t.points[e.compared_to].value, 1'000'000u);
  ASSERT_FALSE(e.explanation.layers.empty());
  EXPECT_EQ(e.explanation.layers[0].change, LayerChangeKind::kChanged);
  EXPECT_EQ(e.explanation.layers[0].content_delta, 60'000);
  ASSERT_FALSE(e.explanation.dirs.empty());
  EXPECT_EQ(e.explanation.dirs[0].path, "/app/data");
  EXPECT_FALSE(e.explanation.dirs_approximate);
}

TEST(Trend, DropsResetTheBaseline) {
  std::vector<Snapshot> s;
  for (int i = 1; i <= 4; ++i) s.push_back(build(i, 500'000));
  s.push_back(build(5, 300'000));  // -20%
  for (int i = 6; i <= 8; ++i) s.push_back(build(i, 300'000));
  s.push_back(build(9, 345'000));  // +5.6% against both
  Trend t = compute_trend(s, small_thresholds());
  EXPECT_EQ(events(t), (Events{{5, TrendEventKind::kDrop}, {9, TrendEventKind::kJump}}));
  EXPECT_LT(t.events[0].delta, 0);
}

TEST(Trend, BothThresholdsMustHold) {
  std::vector<Snapshot> s = {build(1, 500'000), build(2, 590'000)};  // +90 kB = +9%
  TrendOptions o = small_thresholds();
  o.jump_bytes = 100'000;
  EXPECT_TRUE(compute_trend(s, o).events.empty());
  o.jump_bytes = 0;  // percent only
  EXPECT_EQ(compute_trend(s, o).events.size(), 1u);
  o.jump_percent = 10;
  EXPECT_TRUE(compute_trend(s, o).events.empty());
  o.jump_percent = 0;  // any change
  EXPECT_EQ(compute_trend(s, o).events.size(), 1u);
}

TEST(Trend, BaselineIsTheLowerMedianOfTheFirstBuildsOfTheSegment) {
  std::vector<Snapshot> s = {build(1, 500'000), build(2, 520'000), build(3, 510'000), build(4, 505'000),
                             build(5, 515'000)};
  TrendOptions o = small_thresholds();
  o.baseline_builds = 4;
  Trend t = compute_trend(s, o);
  // Build 4: median of builds 1..3 (1.0, 1.02, 1.01 MB) = build 3.
  EXPECT_EQ(t.points[3].baseline_point, 2u);
  // Build 5: builds 1..4, lower median of {1.0, 1.005, 1.01, 1.02} = build 4.
  EXPECT_EQ(t.points[4].baseline_point, 3u);
  EXPECT_EQ(t.points[4].baseline, 1'005'000u);
}

TEST(Trend, GrowthGateAgainstTheBaseline) {
  std::vector<Snapshot> s;
  for (int i = 1; i <= 5; ++i) s.push_back(build(i, 500'000));
  s.push_back(build(6, 560'000));  // +6% against the baseline
  Trend t = compute_trend(s, small_thresholds());
  apply_growth_gate(t, *parse_growth_limit("5%"));
  ASSERT_TRUE(t.gate);
  EXPECT_TRUE(t.gate->evaluated);
  EXPECT_TRUE(t.gate->failed);
  EXPECT_EQ(t.gate->baseline, 1'000'000u);
  EXPECT_EQ(t.gate->delta, 60'000);
  apply_growth_gate(t, *parse_growth_limit("6%"));  // exactly 6% is not past 6%
  EXPECT_FALSE(t.gate->failed);
  apply_growth_gate(t, *parse_growth_limit("50kB"));
  EXPECT_TRUE(t.gate->failed);
  apply_growth_gate(t, *parse_growth_limit("60kB"));
  EXPECT_FALSE(t.gate->failed);

  // A shrinking build never fails; one build alone has nothing to compare with.
  Trend shrink = compute_trend({build(1, 500'000), build(2, 100'000)}, small_thresholds());
  apply_growth_gate(shrink, *parse_growth_limit("1%"));
  EXPECT_FALSE(shrink.gate->failed);
  Trend one = compute_trend({build(1, 500'000)}, small_thresholds());
  apply_growth_gate(one, *parse_growth_limit("1%"));
  EXPECT_FALSE(one.gate->evaluated);
  EXPECT_FALSE(one.gate->failed);
}

TEST(Trend, MetricChoosesTheSeries) {
  std::vector<Snapshot> s = {build(1, 500'000), build(2, 500'000)};
  s[1].compressed_bytes += 100'000;  // the pull size jumps, the content does not
  TrendOptions o = small_thresholds();
  EXPECT_TRUE(compute_trend(s, o).events.empty());
  o.metric = TrendMetric::kCompressed;
  EXPECT_EQ(events(compute_trend(s, o)), (Events{{2, TrendEventKind::kJump}}));
}

TEST(TrendRender, FormatsCarryTheSameFacts) {
  std::vector<Snapshot> s;
  for (int i = 1; i <= 5; ++i) s.push_back(build(i, 500'000));
  s.push_back(build(6, 500'000, 150'000));
  s[2].labels = {{"commit", "a,\"b\""}};
  Trend t = compute_trend(s, small_thresholds());
  apply_growth_gate(t, *parse_growth_limit("5%"));

  auto j = nlohmann::json::parse(render_trend_json(t));
  EXPECT_EQ(j["kind"], "trend");
  ASSERT_EQ(j["builds"].size(), 6u);
  EXPECT_EQ(j["builds"][5]["event"], "jump");
  EXPECT_TRUE(j["builds"][0]["delta_previous"].is_null());
  EXPECT_EQ(j["builds"][5]["delta_previous"].get<int64_t>(), 150'000);
  ASSERT_EQ(j["events"].size(), 1u);
  EXPECT_EQ(j["events"][0]["explanation"]["directories"][0]["path"], "/usr/lib/python3/site-packages/torch");
  EXPECT_EQ(j["gate"]["failed"], true);

  std::string csv = render_trend_csv(t);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 7);
  EXPECT_NE(csv.find("\"commit=a,\"\"b\"\"\""), std::string::npos) << csv;

  std::string svg = render_trend_svg(t);
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  size_t polylines = 0;
  for (size_t p = svg.find("<polyline"); p != std::string::npos; p = svg.find("<polyline", p + 1)) ++polylines;
  EXPECT_EQ(polylines, 2u);
  EXPECT_NE(svg.find("data-bytes=\"1150000\""), std::string::npos);
  EXPECT_NE(svg.find("class=\"event event-jump\""), std::string::npos);
  EXPECT_EQ(svg, render_trend_svg(t));

  std::string text = render_trend_text(t);
  EXPECT_NE(text.find("jump +150.0 kB (+15.0%) against the previous build #5"), std::string::npos) << text;
  EXPECT_NE(text.find("growth gate 5%: FAIL"), std::string::npos) << text;
  std::string md = render_trend_markdown(t);
  EXPECT_NE(md.find("`RUN pip install torch`"), std::string::npos) << md;
  EXPECT_NE(md.find("mostly `site-packages/torch`"), std::string::npos) << md;

  Trend empty = compute_trend({}, small_thresholds());
  EXPECT_NE(render_trend_text(empty).find("No snapshots"), std::string::npos);
  EXPECT_NE(render_trend_svg(empty).find("</svg>"), std::string::npos);
}

// dive-compatible efficiency (../shared/DIVE-COMPAT.md) on hand-built layer stacks, and
// layerscope's reclaimable bytes beside it. Expected values are worked out by hand from the
// spec in the comments of each test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "attrib/dive_efficiency.h"
#include "layer/indexer.h"
#include "layerscope/merge.h"
#include "layerscope/report.h"
#include "support/image_builder.h"
#include "support/invariants.h"

using namespace layerscope;

namespace {

LayerIndex idx(const lstest::TarBuilder& b) {
  MemorySource src(b.finish());
  return index_layer(src, "test", IndexOptions{});
}

// The base most tests start from (as ../shared/peer-images/synthetic does): /bin/busy 1000 B,
// /etc/passwd 50 B and their directories.
lstest::TarBuilder base() {
  return lstest::TarBuilder().dir("bin").file("bin/busy", std::string(1000, 'b')).dir("etc").file("etc/passwd",
                                                                                                   std::string(50, 'p'));
}

struct Stack {
  std::vector<LayerIndex> layers;
  Efficiency eff;
};

Stack run(std::vector<lstest::TarBuilder> tars) {
  Stack r;
  for (const auto& t : tars) r.layers.push_back(idx(t));
  std::vector<const LayerIndex*> ptrs;
  for (const auto& l : r.layers) ptrs.push_back(&l);
  r.eff = compute_efficiency(ptrs, merge_layers(ptrs));
  return r;
}

void expect_path(const Efficiency& e, size_t i, const std::string& path, uint64_t cumulative, uint64_t count) {
  ASSERT_LT(i, e.inefficient_paths.size());
  EXPECT_EQ(e.inefficient_paths[i].path, path);
  EXPECT_EQ(e.inefficient_paths[i].cumulative_bytes, cumulative);
  EXPECT_EQ(e.inefficient_paths[i].count, count);
}

// An OCI image in memory, one plain layer per tar, through the whole pipeline.
Analysis analyze_memory(const std::vector<lstest::TarBuilder>& tars) {
  std::vector<lstest::LayerSpec> layers;
  for (const auto& t : tars) {
    lstest::LayerSpec spec;
    spec.tar = t.finish();
    layers.push_back(spec);
  }
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  AnalyzeOptions o;
  o.jobs = 1;
  Analysis a = lstest::analyze_oci(img, o);
  lstest::expect_accounting(a);
  return a;
}

}  // namespace

TEST(DiveEfficiency, OverwrittenThreeTimes) {
  // /a.txt: 100, 300, 200 -> {count 3, cumulative 600, min 100}; the base paths count once.
  Stack r = run({base(), lstest::TarBuilder().file("a.txt", std::string(100, 'x')),
               lstest::TarBuilder().file("a.txt", std::string(300, 'y')),
               lstest::TarBuilder().file("a.txt", std::string(200, 'z'))});
  const Efficiency& e = r.eff;
  EXPECT_EQ(e.score, 1150.0 / 1650.0);
  EXPECT_EQ(e.wasted_bytes, 600u);
  EXPECT_EQ(e.layer_bytes, (std::vector<uint64_t>{1050, 100, 300, 200}));
  EXPECT_EQ(e.image_bytes, 1650u);
  EXPECT_EQ(e.user_bytes, 600u);
  EXPECT_EQ(e.user_wasted_percent, 1.0);
  ASSERT_EQ(e.inefficient_paths.size(), 1u);
  expect_path(e, 0, "/a.txt", 600, 3);
  EXPECT_EQ(e.reclaimable_bytes, 400u);  // the 100 and the 300 are never seen; the 200 is
  EXPECT_TRUE(e.diagnostics.empty());
}

TEST(DiveEfficiency, WhiteoutOfADirectoryCountsItsWholeSubtree) {
  // The `.wh.app` leaf stands for /app, a directory below: 0 + 100 + 0 + 50. Seen once, so no
  // waste; a deleted directory is not "inefficient" in dive's model.
  Stack r = run({base(), lstest::TarBuilder().dir("app").file("app/x", std::string(100, 'x')).dir("app/sub").file(
                           "app/sub/y", std::string(50, 'y')),
               lstest::TarBuilder().whiteout("app")});
  const Efficiency& e = r.eff;
  EXPECT_EQ(e.score, 1.0);  // every path seen once: Σmin == Σcumulative == 1050 + 150 + 150
  EXPECT_EQ(e.wasted_bytes, 0u);
  EXPECT_TRUE(e.inefficient_paths.empty());
  EXPECT_EQ(e.user_bytes, 150u);
  EXPECT_EQ(e.user_wasted_percent, 0.0);
  EXPECT_EQ(e.reclaimable_bytes, 150u);
}

TEST(DiveEfficiency, ImplicitParentStackedOverADirectoryHidesItsSize) {
  // dive stacks a layer's implicit parent with empty info, so the directory /d stops being a
  // directory in the stack and a whiteout of it then counts 0; an explicit `d/` entry makes it
  // a directory again. /d: whiteouts in layers 2 and 4 -> sizes 0 and 7.
  Stack r = run({base().dir("d").file("d/f", std::string(10, 'f')),
               lstest::TarBuilder().file("d/g", std::string(5, 'g')),  // no "d/" entry: implicit
               lstest::TarBuilder().whiteout("d"),
               lstest::TarBuilder().dir("d").file("d/h", std::string(7, 'h')),
               lstest::TarBuilder().whiteout("d")});
  const Efficiency& e = r.eff;
  ASSERT_EQ(e.inefficient_paths.size(), 1u);
  expect_path(e, 0, "/d", 7, 2);
  EXPECT_EQ(e.wasted_bytes, 7u);
  // Σmin = 1000 + 50 + 10 + 5 + 7 + 0; Σcumulative = the same but 7 for /d.
  EXPECT_EQ(e.score, 1072.0 / 1079.0);
}

TEST(DiveEfficiency, WhiteoutOfAFileCountsZeroButMakesThePathInefficient) {
  // etc/.wh.passwd: /etc/passwd is seen twice, sizes 50 then 0. Layer 1 has no bytes, so the
  // user wasted percent is 50 / 0 = +Inf, which fails any percent threshold, as in dive.
  Stack r = run({base(), lstest::TarBuilder().whiteout("etc/passwd")});
  const Efficiency& e = r.eff;
  EXPECT_EQ(e.score, 1000.0 / 1050.0);
  EXPECT_EQ(e.wasted_bytes, 50u);
  expect_path(e, 0, "/etc/passwd", 50, 2);
  EXPECT_EQ(e.user_bytes, 0u);
  EXPECT_TRUE(std::isinf(e.user_wasted_percent));
  EXPECT_GT(e.user_wasted_percent, 0);
  EXPECT_EQ(e.reclaimable_bytes, 50u);
}

TEST(DiveEfficiency, OpaqueMarkersAreIgnoredButStillReclaimable) {
  // dive ignores `opt/.wh..wh..opq`: /opt/a and /opt/b are not counted as removed and /opt/c
  // is new, so nothing is inefficient. layerscope's merge honours the marker, so the 30 bytes
  // of /opt/a and /opt/b are hidden: reclaimable.
  Stack r = run({base(), lstest::TarBuilder().dir("opt").file("opt/a", std::string(10, 'a')).file("opt/b",
                                                                                                  std::string(20, 'b')),
               lstest::TarBuilder().opaque("opt").file("opt/c", std::string(10, 'c'))});
  const Efficiency& e = r.eff;
  EXPECT_EQ(e.score, 1.0);
  EXPECT_EQ(e.wasted_bytes, 0u);
  EXPECT_TRUE(e.inefficient_paths.empty());
  EXPECT_EQ(e.reclaimable_bytes, 30u);
  EXPECT_TRUE(e.diagnostics.empty());
}

TEST(DiveEfficiency, MissingWhiteoutTargetCountsZeroAndTheWalkCarriesOn) {
  // Layer 1 in byte order: -early, .wh.nothere, aaa, zzz. dive stops at .wh.nothere (aaa and
  // zzz unvisited, /nothere's min left at -1); layerscope counts it 0 and visits the rest.
  Stack r = run({base(),
               lstest::TarBuilder().file("-early", std::string(7, 'e')).whiteout("nothere").file(
                   "aaa", std::string(11, 'a')).file("zzz", std::string(13, 'z')),
               lstest::TarBuilder().file("aaa", std::string(11, 'A')).file("-early", std::string(7, 'E'))});
  const Efficiency& e = r.eff;
  // Σmin = 1050 + 7 + 0 + 11 + 13; Σcumulative = 1050 + 14 + 0 + 22 + 13.
  EXPECT_EQ(e.score, 1081.0 / 1099.0);
  EXPECT_EQ(e.wasted_bytes, 36u);
  ASSERT_EQ(e.inefficient_paths.size(), 2u);
  expect_path(e, 0, "/aaa", 22, 2);
  expect_path(e, 1, "/-early", 14, 2);
  EXPECT_EQ(e.user_bytes, 49u);
  EXPECT_EQ(e.user_wasted_percent, 36.0 / 49.0);
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].code, "dive-whiteout-missing-target");
  EXPECT_EQ(e.diagnostics[0].layer, 1);
  EXPECT_EQ(e.diagnostics[0].path, "nothere");
}

TEST(DiveEfficiency, WhiteoutInTheFirstLayerFindsNothingBelow) {
  Stack r = run({lstest::TarBuilder().whiteout("foo").file("x", std::string(9, 'x')),
               lstest::TarBuilder().file("x", std::string(9, 'y'))});
  const Efficiency& e = r.eff;
  EXPECT_EQ(e.score, 0.5);  // /foo {0, 0}, /x {min 9, cumulative 18}
  expect_path(e, 0, "/x", 18, 2);
  EXPECT_EQ(e.user_wasted_percent, 2.0);
  ASSERT_EQ(e.diagnostics.size(), 1u);
  EXPECT_EQ(e.diagnostics[0].layer, 0);
}

TEST(DiveEfficiency, EmptyDirectoriesRepeatedAreZeroByteInefficientPaths) {
  // A directory with no children in its layer is a leaf: /etc is one in layers 1 and 2 (not in
  // the base, where it holds passwd).
  Stack r = run({base(), lstest::TarBuilder().dir("etc"), lstest::TarBuilder().dir("etc").dir("tmp").file("tmp/x", "12345")});
  const Efficiency& e = r.eff;
  ASSERT_EQ(e.inefficient_paths.size(), 1u);
  expect_path(e, 0, "/etc", 0, 2);
  EXPECT_EQ(e.wasted_bytes, 0u);
  EXPECT_EQ(e.score, 1.0);
  EXPECT_EQ(e.user_wasted_percent, 0.0);
  EXPECT_EQ(e.reclaimable_bytes, 0u);
}

TEST(DiveEfficiency, DuplicateEntryInOneLayer) {
  // Both copies count in the layer size (30), but dive's tree holds one node (the later info),
  // visited once: no waste. The first copy is shipped and never visible: reclaimable.
  Stack r = run({base(), lstest::TarBuilder().file("dup", std::string(10, '1')).file("dup", std::string(20, '2'))});
  const Efficiency& e = r.eff;
  EXPECT_EQ(e.layer_bytes[1], 30u);
  EXPECT_EQ(e.user_bytes, 30u);
  EXPECT_EQ(e.score, 1.0);
  EXPECT_EQ(e.wasted_bytes, 0u);
  EXPECT_EQ(e.reclaimable_bytes, 10u);
}

TEST(DiveEfficiency, MetadataOnlyRewriteIsWasteAndReclaimable) {
  Stack r = run({base(), lstest::TarBuilder().file("etc/passwd", std::string(50, 'p'), 0600)});
  EXPECT_EQ(r.eff.wasted_bytes, 100u);
  expect_path(r.eff, 0, "/etc/passwd", 100, 2);
  EXPECT_EQ(r.eff.reclaimable_bytes, 50u);
}

TEST(DiveEfficiency, SortsByCumulativeThenPath) {
  Stack r = run({lstest::TarBuilder().file("b", "12").file("a", "12").file("c", "1"),
               lstest::TarBuilder().file("c", "1").file("a", "12").file("b", "12")});
  const Efficiency& e = r.eff;
  ASSERT_EQ(e.inefficient_paths.size(), 3u);
  expect_path(e, 0, "/a", 4, 2);
  expect_path(e, 1, "/b", 4, 2);
  expect_path(e, 2, "/c", 2, 2);
}

TEST(DiveEfficiency, NoUserBytesAndNoWasteIsNaN) {
  Stack one = run({base()});
  EXPECT_EQ(one.eff.score, 1.0);
  EXPECT_EQ(one.eff.user_bytes, 0u);
  EXPECT_TRUE(std::isnan(one.eff.user_wasted_percent));

  Stack none = run({});
  EXPECT_EQ(none.eff.score, 1.0);  // Σcumulative == 0
  EXPECT_EQ(none.eff.image_bytes, 0u);
  EXPECT_TRUE(std::isnan(none.eff.user_wasted_percent));
}

TEST(DiveEfficiency, JsonObjectHasTheContractFieldsInOrder) {
  Analysis a = analyze_memory({base(), lstest::TarBuilder().whiteout("etc/passwd")});
  auto j = nlohmann::ordered_json::parse(render_json(a));
  const auto& e = j.at("efficiency");
  std::vector<std::string> keys;
  for (const auto& [k, v] : e.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"score", "wasted_bytes", "user_wasted_percent", "reclaimable_bytes",
                                            "image_bytes", "user_bytes", "layer_bytes", "inefficient_count",
                                            "inefficient_paths"}));
  EXPECT_EQ(e.at("user_wasted_percent"), "+Inf");
  EXPECT_EQ(e.at("score").get<double>(), 1000.0 / 1050.0);  // round-trips exactly
  EXPECT_EQ(e.at("inefficient_count"), 1);
  EXPECT_EQ(e.at("inefficient_paths")[0],
            nlohmann::ordered_json::parse(R"({"path": "/etc/passwd", "cumulative_bytes": 50, "count": 2})"));
  // The key sits right after totals, so the report's top-level order stays fixed.
  std::vector<std::string> top;
  for (const auto& [k, v] : j.items()) top.push_back(k);
  auto it = std::find(top.begin(), top.end(), "totals");
  ASSERT_NE(it, top.end());
  EXPECT_EQ(*(it + 1), "efficiency");

  std::string text = render_text(a);
  EXPECT_NE(text.find("Efficiency (dive-compatible)"), std::string::npos);
  EXPECT_NE(text.find("+Inf %"), std::string::npos) << text;
  EXPECT_NE(text.find("95.2381 %"), std::string::npos) << text;
}

TEST(DiveEfficiency, JsonWritesNaNAsNull) {
  Analysis a = analyze_memory({base()});
  auto j = nlohmann::ordered_json::parse(render_json(a));
  EXPECT_TRUE(j.at("efficiency").at("user_wasted_percent").is_null());
  EXPECT_EQ(j.at("efficiency").at("score"), 1.0);
  EXPECT_NE(render_text(a).find("NaN %"), std::string::npos);
}

TEST(DiveEfficiency, AnalyzeReportsDiveDivergenceAmongDiagnostics) {
  Analysis a = analyze_memory({base(), lstest::TarBuilder().whiteout("nothere")});
  bool found = false;
  for (const auto& d : a.diagnostics) found |= d.code == "dive-whiteout-missing-target";
  EXPECT_TRUE(found);
  EXPECT_EQ(a.efficiency.diagnostics.size(), 1u);
}

// Layer alignment (history/layer_pairing) and the choice of explaining directories
// (history/explain).
#include <gtest/gtest.h>

#include "history/explain.h"
#include "history/layer_pairing.h"

using namespace layerscope;

namespace {

std::vector<std::pair<int, int>> pairs(const std::vector<LayerKey>& a, const std::vector<LayerKey>& b) {
  std::vector<std::pair<int, int>> out;
  for (const auto& p : pair_layers(a, b)) out.emplace_back(p.old_index, p.new_index);
  return out;
}

using P = std::vector<std::pair<int, int>>;

}  // namespace

TEST(LayerPairing, SameDiffIdsPairInOrder) {
  std::vector<LayerKey> a = {{"sha256:a", "FROM"}, {"sha256:b", "RUN x"}};
  EXPECT_EQ(pairs(a, a), (P{{0, 0}, {1, 1}}));
}

TEST(LayerPairing, ChangedLayerPairsByInstruction) {
  std::vector<LayerKey> a = {{"sha256:base", "(missing)"}, {"sha256:1", "RUN apt-get install gcc"}, {"sha256:2", "COPY . /app"}};
  std::vector<LayerKey> b = {{"sha256:base", "(missing)"}, {"sha256:9", "COPY . /app"}};
  // The apt layer is gone; COPY pairs with COPY although its bytes changed.
  EXPECT_EQ(pairs(a, b), (P{{0, 0}, {1, -1}, {2, 1}}));
}

TEST(LayerPairing, ExactInstructionBeatsKeywordAndPosition) {
  std::vector<LayerKey> a = {{"sha256:1", "RUN pip install torch"}, {"sha256:2", "RUN rm -rf /tmp/x"}};
  std::vector<LayerKey> b = {{"sha256:3", "RUN rm -rf /tmp/x"}};
  EXPECT_EQ(pairs(a, b), (P{{0, -1}, {1, 0}}));
}

TEST(LayerPairing, DifferentKeywordsNeverPair) {
  std::vector<LayerKey> a = {{"sha256:1", "COPY a /a"}};
  std::vector<LayerKey> b = {{"sha256:2", "RUN make"}};
  EXPECT_EQ(pairs(a, b), (P{{0, -1}, {-1, 0}}));
}

TEST(LayerPairing, SharedLayersAnchorTheAlignment) {
  // A new layer inserted in the middle: the shared layers around it stay paired.
  std::vector<LayerKey> a = {{"sha256:a", "FROM"}, {"sha256:c", "COPY . /app"}};
  std::vector<LayerKey> b = {{"sha256:a", "FROM"}, {"sha256:n", "RUN pip install torch"}, {"sha256:c", "COPY . /app"}};
  EXPECT_EQ(pairs(a, b), (P{{0, 0}, {-1, 1}, {1, 2}}));
}

TEST(LayerPairing, RepeatedDiffIdsMatchInOrder) {
  // Empty layers share one diff_id; each pairs with the next one of the other image.
  std::vector<LayerKey> a = {{"sha256:e", "RUN true"}, {"sha256:x", "RUN a"}, {"sha256:e", "RUN true"}};
  std::vector<LayerKey> b = {{"sha256:e", "RUN true"}, {"sha256:e", "RUN true"}};
  EXPECT_EQ(pairs(a, b), (P{{0, 0}, {1, -1}, {2, 1}}));
}

TEST(LayerPairing, EmptySides) {
  EXPECT_TRUE(pairs({}, {}).empty());
  EXPECT_EQ(pairs({{"sha256:a", "RUN a"}}, {}), (P{{0, -1}}));
  EXPECT_EQ(pairs({}, {{"sha256:a", "RUN a"}}), (P{{-1, 0}}));
}

TEST(ExplainingDirs, DeepestDominantDirectoryWins) {
  std::vector<PathDelta> d = {
      {"/usr", 0, 180, 180},
      {"/usr/lib", 0, 180, 180},
      {"/usr/lib/site-packages", 0, 180, 180},
      {"/usr/lib/site-packages/torch", 0, 150, 150},
      {"/usr/lib/site-packages/numpy", 0, 30, 30},
      {"/usr/lib/site-packages/tiny", 0, 1, 1},
  };
  auto out = explaining_dirs(d, 200);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].path, "/usr/lib/site-packages/torch");
  EXPECT_EQ(out[1].path, "/usr/lib/site-packages/numpy");
}

TEST(ExplainingDirs, ParentKeptWhenNoChildDominates) {
  std::vector<PathDelta> d = {{"/app", 0, 100, 100}, {"/app/a", 0, 40, 40}, {"/app/b", 0, 40, 40}, {"/app-x", 0, 60, 60}};
  auto out = explaining_dirs(d, 160, 5);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].path, "/app");
  EXPECT_EQ(out[1].path, "/app-x");
  EXPECT_EQ(out[2].path, "/app/a");
  EXPECT_EQ(out[3].path, "/app/b");
}

TEST(ExplainingDirs, OnlyTheDirectionOfTheChange) {
  std::vector<PathDelta> d = {{"/a", 100, 0, -100}, {"/b", 0, 30, 30}};
  auto out = explaining_dirs(d, -70);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].path, "/a");
  EXPECT_TRUE(explaining_dirs(d, 0).empty());
}

TEST(ExplainingDirs, DirDeltasAndAncestors) {
  std::map<std::string, uint64_t> a, b;
  add_to_dirs(a, "usr/lib/x.so", 10);
  add_to_dirs(a, "top.txt", 5);  // at the root: no directory
  add_to_dirs(b, "usr/lib/x.so", 25);
  add_to_dirs(b, "usr/bin/y", 3);
  EXPECT_EQ(a.size(), 2u);
  auto d = dir_deltas(a, b);
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].path, "/usr");
  EXPECT_EQ(d[0].delta, 18);
  EXPECT_EQ(d[1].path, "/usr/bin");
  EXPECT_EQ(d[1].delta, 3);
  EXPECT_EQ(d[2].path, "/usr/lib");
  EXPECT_EQ(d[2].delta, 15);
}

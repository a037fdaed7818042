#include <gtest/gtest.h>

#include "layer/indexer.h"
#include "layerscope/error.h"
#include "layerscope/merge.h"
#include "support/image_builder.h"

using namespace layerscope;

namespace {

LayerIndex indexed(const lstest::TarBuilder& b) {
  MemorySource src(b.finish());
  return index_layer(src, "test", IndexOptions{});
}

MergeResult merge(const std::vector<LayerIndex>& layers) {
  std::vector<const LayerIndex*> ptrs;
  for (const auto& l : layers) ptrs.push_back(&l);
  return merge_layers(ptrs);
}

}  // namespace

TEST(Merge, AddedModifiedDeletedFollowTheLowerTree) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().dir("etc").file("etc/a", "12345").file("etc/b", "123")));
  ls.push_back(indexed(lstest::TarBuilder().file("etc/a", "1234567").file("etc/c", "1").whiteout("etc/b")));
  MergeResult m = merge(ls);
  EXPECT_EQ(m.layers[1].added.files, 1u);
  EXPECT_EQ(m.layers[1].added.bytes, 1u);
  EXPECT_EQ(m.layers[1].modified.files, 1u);
  EXPECT_EQ(m.layers[1].modified.bytes, 7u);
  EXPECT_EQ(m.layers[1].deleted.files, 1u);
  EXPECT_EQ(m.layers[1].deleted.bytes, 3u);
  EXPECT_EQ(m.tree.find("etc/b"), nullptr);
  ASSERT_NE(m.tree.find("etc/a"), nullptr);
  EXPECT_EQ(m.tree.find("etc/a")->layer, 1);
  ASSERT_EQ(m.shadows.size(), 2u);  // etc/a overwritten, etc/b deleted
}

TEST(Merge, WhiteoutRemovesAWholeDirectory) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("app/x", "0123456789").file("app/sub/y", "01234")));
  ls.push_back(indexed(lstest::TarBuilder().whiteout("app")));
  MergeResult m = merge(ls);
  EXPECT_EQ(m.layers[1].deleted.files, 2u);
  EXPECT_EQ(m.layers[1].deleted.bytes, 15u);
  EXPECT_EQ(m.tree.find("app"), nullptr);
}

TEST(Merge, OpaqueHidesOnlyLowerContents) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("opt/a", "aa").file("opt/b", "bbb")));
  // The new file comes BEFORE the marker in tar order: it must survive all the same.
  ls.push_back(indexed(lstest::TarBuilder().dir("opt").file("opt/c", "c").opaque("opt")));
  MergeResult m = merge(ls);
  EXPECT_EQ(m.layers[1].deleted.files, 2u);
  EXPECT_EQ(m.layers[1].deleted.bytes, 5u);
  EXPECT_EQ(m.tree.find("opt/a"), nullptr);
  EXPECT_NE(m.tree.find("opt/c"), nullptr);
}

TEST(Merge, WhiteoutAndReAddInOneLayerCountsAsModified) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("thing", std::string(40, 't'))));
  ls.push_back(indexed(lstest::TarBuilder().whiteout("thing").dir("thing").file("thing/inner", std::string(30, 'i'))));
  ls.push_back(indexed(lstest::TarBuilder().file("thing", std::string(40, 't'))));
  MergeResult m = merge(ls);
  EXPECT_EQ(m.layers[1].deleted.files, 1u);
  EXPECT_EQ(m.layers[1].added.files, 1u);  // thing/inner did not exist below
  // Layer 2 puts a file where a directory was: the directory and its file are replaced.
  EXPECT_EQ(m.layers[2].modified.files, 1u);
  const TreeNode* n = m.tree.find("thing");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->kind, EntryKind::kFile);
  EXPECT_TRUE(n->children.empty());
}

TEST(Merge, DuplicateEntryInOneLayerLastWins) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("dup", std::string(10, 'a')).file("dup", std::string(20, 'b'))));
  MergeResult m = merge(ls);
  EXPECT_EQ(m.layers[0].added.files, 2u);
  EXPECT_EQ(m.layers[0].added.bytes, 30u);
  const TreeNode* n = m.tree.find("dup");
  EXPECT_EQ(ls[0].entries[n->entry].size, 20u);
  ASSERT_EQ(m.shadows.size(), 1u);
  EXPECT_EQ(m.shadows[0].reason, ShadowReason::kDuplicate);
}

TEST(Merge, WhiteoutOfAMissingPathIsADiagnosticNotAnError) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("x", "1")));
  ls.push_back(indexed(lstest::TarBuilder().whiteout("nothere")));
  MergeResult m = merge(ls);
  ASSERT_EQ(m.diagnostics.size(), 1u);
  EXPECT_EQ(m.diagnostics[0].code, "whiteout-missing-target");
  EXPECT_EQ(m.layers[1].deleted.files, 0u);
}

TEST(Merge, MetadataOnlyRewriteIsAnOverwriteWithTheSameHash) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("s", "secret", 0644)));
  ls.push_back(indexed(lstest::TarBuilder().file("s", "secret", 0600)));
  MergeResult m = merge(ls);
  ASSERT_EQ(m.shadows.size(), 1u);
  EXPECT_EQ(m.shadows[0].reason, ShadowReason::kOverwritten);
  EXPECT_EQ(ls[0].entries[0].hash, ls[1].entries[0].hash);
  EXPECT_NE(ls[0].entries[0].mode, ls[1].entries[0].mode);
}

// A hostile layer with thousands of stray whiteouts must not flood the report: the first 20
// of a kind per layer are listed, then one line counts the rest.
TEST(Merge, DiagnosticsOfOneKindAreCappedPerLayer) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder().file("x", "1")));
  lstest::TarBuilder b;
  for (int i = 0; i < 1000; ++i) b.whiteout("gone" + std::to_string(i));
  ls.push_back(indexed(b));
  MergeResult m = merge(ls);
  ASSERT_EQ(m.diagnostics.size(), 21u);
  for (const auto& d : m.diagnostics) EXPECT_EQ(d.code, "whiteout-missing-target");
  EXPECT_EQ(m.diagnostics.back().message, "980 more 'whiteout-missing-target' diagnostics in this layer are not listed");
  EXPECT_EQ(m.diagnostics.back().layer, 1);
}

// Found by fuzz_merge: a regular file named "." / "/" / ".." cleans to the root. It was
// counted in file_count and content_bytes but never reached the tree, so added + modified
// and final + reclaimable no longer added up. Such a layer cannot be applied: it is rejected.
TEST(Merge, RegularFileNamedRootIsRejected) {
  for (const char* name : {".", "./", "/", "..", "a/.."}) {
    lstest::TarBuilder b;
    b.raw_entry(name, '0', "xyz", 3);
    try {
      indexed(b);
      ADD_FAILURE() << name << ": accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kFormat) << name;
      EXPECT_NE(e.text().find("would replace the image root"), std::string::npos) << e.text();
    }
  }
  // A root directory entry stays fine.
  EXPECT_NO_THROW(indexed(lstest::TarBuilder().dir(".").file("a", "1")));
}

// A directory replaced by a file and made a directory again within one layer, across the
// merge's remembered parent directory: "d" becomes a file (its children buried), then "d/c"
// makes it a directory again, so "d/a" and "d/b" must not come back and "d/c", "d/e" hang
// under the new "d".
TEST(Merge, ReplacingTheCurrentParentDirectoryInOneLayer) {
  std::vector<LayerIndex> ls;
  ls.push_back(indexed(lstest::TarBuilder()
                           .file("d/a", "aa")
                           .file("d/b", "bbb")
                           .file("d", "now a file")
                           .file("d/c", "c")
                           .file("d/e", "ee")));
  MergeResult m = merge(ls);
  EXPECT_EQ(m.tree.find("d/a"), nullptr);
  EXPECT_EQ(m.tree.find("d/b"), nullptr);
  const TreeNode* d = m.tree.find("d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->kind, EntryKind::kDir);
  ASSERT_EQ(d->children.size(), 2u);
  ASSERT_NE(m.tree.find("d/c"), nullptr);
  EXPECT_EQ(m.tree.find("d/c")->parent, d);
  EXPECT_EQ(m.tree.find("d/e")->parent, d);
}

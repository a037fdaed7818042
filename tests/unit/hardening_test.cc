// Fixes found by the hostile-input catalogue (tests/e2e/hostile_inputs.py, docs/hardening.md),
// pinned where they live: NUL bytes in pax names, sha512 diff_ids, metadata refused on its
// size before it is read.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "decode/tar_reader.h"
#include "layer/indexer.h"
#include "layerscope/merge.h"
#include "layerscope/error.h"
#include "source/resolved.h"
#include "support/image_builder.h"
#include "util/digest.h"

using namespace layerscope;

namespace {

std::string pax_record(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t n = body.size() + std::to_string(body.size()).size();
  if (std::to_string(n).size() != std::to_string(body.size()).size()) n = body.size() + std::to_string(n).size();
  return std::to_string(n) + body;
}

std::string with_pax(const std::string& key, const std::string& value) {
  std::string rec = pax_record(key, value);
  return lstest::TarBuilder().raw_entry("PaxHeaders/x", 'x', rec, rec.size()).file("x", "data").finish();
}

void expect_error(const std::function<void()>& fn, ErrorKind kind, std::initializer_list<const char*> mentions) {
  try {
    fn();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.text();
    for (const char* m : mentions) EXPECT_NE(e.text().find(m), std::string::npos) << e.text() << " lacks " << m;
  }
}

void read_tar(const std::string& tar) {
  MemorySource src(tar);
  TarReader r(src, "layer 0");
  TarEntry e;
  while (r.next(e)) {
  }
}

std::string temp_dir() {
  std::string t = ::testing::TempDir() + "hardening-" + std::to_string(::getpid()) + "-XXXXXX";
  return ::mkdtemp(t.data());
}

}  // namespace

TEST(Hardening, NulInPaxPathIsRefused) {
  expect_error([] { read_tar(with_pax("path", std::string("evil\0name", 9))); }, ErrorKind::kFormat,
               {"layer 0", "pax path contains a NUL byte", "tar offset"});
  expect_error([] { read_tar(with_pax("linkpath", std::string("/etc\0x", 6))); }, ErrorKind::kFormat,
               {"pax linkpath contains a NUL byte"});
  // NUL-free values of the same keys still apply.
  MemorySource src(with_pax("path", "good/name"));
  TarReader r(src, "layer 0");
  TarEntry e;
  ASSERT_TRUE(r.next(e));
  EXPECT_EQ(e.name, "good/name");
}

TEST(Hardening, Sha512DiffIdsAreHashedWithSha512) {
  std::string tar = lstest::TarBuilder().file("a", "alpha").finish();
  for (std::string blob : {tar, lstest::gzip(tar)}) {
    IndexOptions o;
    o.tar_algorithm = DigestAlgorithm::kSha512;
    MemorySource src(blob);
    LayerIndex idx = index_layer(src, "layer 0", o);
    EXPECT_EQ(idx.tar_digest, digest_of(tar, DigestAlgorithm::kSha512).str());
    EXPECT_EQ(idx.blob_digest, digest_of(blob).str());
  }
  // sha512 blob and sha512 diff_id of an uncompressed layer: one hash serves both.
  IndexOptions o;
  o.blob_algorithm = o.tar_algorithm = DigestAlgorithm::kSha512;
  MemorySource src(tar);
  LayerIndex idx = index_layer(src, "layer 0", o);
  EXPECT_EQ(idx.tar_digest, digest_of(tar, DigestAlgorithm::kSha512).str());
  EXPECT_EQ(idx.blob_digest, idx.tar_digest);
}

TEST(Hardening, DescriptorPromisingHugeMetadataIsRefusedBeforeReading) {
  MemoryStore store;
  store.put("blobs/sha256/aa", "{}");
  expect_error([&] { read_verified(store, "blobs/sha256/aa", "", uint64_t{200'000'000}, "manifest sha256:aa"); },
               ErrorKind::kLimit, {"manifest sha256:aa", "200000000 bytes", "limit for metadata"});
}

TEST(Hardening, OversizedMetadataFileInADirectoryIsRefusedOnItsSize) {
  std::string dir = temp_dir();
  std::string path = dir + "/index.json";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 200'000'000), 0);  // a hole: nothing is written to disk
  ::close(fd);
  auto store = open_dir_store(dir);
  expect_error([&] { store->read_small("index.json"); }, ErrorKind::kLimit,
               {"index.json", "200000000 bytes", "limit for metadata"});
  std::remove(path.c_str());
  ::rmdir(dir.c_str());
}

TEST(Hardening, OversizedManifestInACompressedArchiveIsNotIndexedAsALayer) {
  std::string big(kMaxMetadataBytes + 1, ' ');
  std::string archive = lstest::gzip(lstest::TarBuilder().file("manifest.json", big).finish());
  std::string path = ::testing::TempDir() + "hardening-" + std::to_string(::getpid()) + ".tar.gz";
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << archive;
  }
  int visited = 0;
  auto store = open_archive_store(path, [&](const std::string&, ByteSource&, uint64_t) { ++visited; });
  EXPECT_EQ(visited, 0);
  expect_error([&] { store->read_small("manifest.json"); }, ErrorKind::kLimit,
               {"manifest.json", std::to_string(kMaxMetadataBytes + 1).c_str(), "limit for metadata"});
  std::remove(path.c_str());
}

TEST(Hardening, HardlinksToMissingTargetsAreOneDiagnosticPerLayer) {
  auto idx = [](const lstest::TarBuilder& b) {
    MemorySource src(b.finish());
    return index_layer(src, "test", IndexOptions{});
  };
  std::vector<LayerIndex> ls;
  ls.push_back(idx(lstest::TarBuilder().file("etc/passwd", "root").hardlink("ok", "etc/passwd")));
  ls.push_back(idx(lstest::TarBuilder().hardlink("h1", "nothere").hardlink("h2", "etc").hardlink("h3", "etc/passwd")));
  MergeResult m = merge_layers({&ls[0], &ls[1]});
  ASSERT_EQ(m.diagnostics.size(), 1u);
  EXPECT_EQ(m.diagnostics[0].code, "hardlink-missing-target");
  EXPECT_EQ(m.diagnostics[0].layer, 1);
  EXPECT_EQ(m.diagnostics[0].path, "h1");
  EXPECT_NE(m.diagnostics[0].message.find("2 hardlinks"), std::string::npos) << m.diagnostics[0].message;
}

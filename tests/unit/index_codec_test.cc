#include <gtest/gtest.h>

#include "layer/index_codec.h"

using namespace layerscope;

namespace {

LayerIndex sample() {
  LayerIndex x;
  x.compression = Compression::kZstd;
  x.blob_digest = "sha256:" + std::string(64, 'a');
  x.tar_digest = "sha256:" + std::string(64, 'b');
  x.compressed_bytes = 123;
  x.tar_bytes = 10240;
  x.content_bytes = 42;
  x.entry_count = 2;
  x.file_count = 1;
  LayerEntry e;
  e.path = "usr/lib/ünï.so";
  e.size = 42;
  e.hash = {1, 2};
  e.mode = 0755;
  e.kind = EntryKind::kFile;
  e.flags = kFlagPemPrivateKey;
  x.entries.push_back(e);
  LayerEntry l;
  l.path = "lib";
  l.link = "usr/lib";
  l.kind = EntryKind::kSymlink;
  x.entries.push_back(l);
  x.diagnostics.push_back({"code", "message", -1, "p"});
  return x;
}

}  // namespace

TEST(IndexCodec, RoundTripsEveryField) {
  LayerIndex x = sample();
  auto y = decode_layer_index(encode_layer_index(x, "k"), "k");
  ASSERT_TRUE(y);
  EXPECT_EQ(encode_layer_index(*y, "k"), encode_layer_index(x, "k"));
  EXPECT_EQ(y->entries[0].path, "usr/lib/ünï.so");
  EXPECT_EQ(y->entries[0].flags, kFlagPemPrivateKey);
  EXPECT_EQ(y->entries[1].link, "usr/lib");
}

TEST(IndexCodec, RejectsAnotherKeyTruncationAndEveryFlippedByte) {
  std::string bytes = encode_layer_index(sample(), "k");
  EXPECT_FALSE(decode_layer_index(bytes, "other"));
  for (size_t cut = 0; cut < bytes.size(); ++cut) EXPECT_FALSE(decode_layer_index(bytes.substr(0, cut), "k")) << cut;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x40;
    EXPECT_FALSE(decode_layer_index(bad, "k")) << "byte " << i;
  }
}

#include <gtest/gtest.h>
#include <zstd.h>

#include "decode/compression.h"
#include "layerscope/error.h"
#include "support/image_builder.h"

using namespace layerscope;

namespace {

std::string inflate_all(Compression c, const std::string& data) {
  MemorySource src(data);
  auto dec = make_decoder(c, src, "test");
  std::string out;
  uint8_t buf[1000];  // odd size on purpose: exercises partial reads
  for (size_t n; (n = dec->read(buf, sizeof buf));) out.append(reinterpret_cast<char*>(buf), n);
  return out;
}

std::string sample(size_t n) {
  std::string s;
  for (size_t i = 0; s.size() < n; ++i) s += "line " + std::to_string(i * 7919 % 1000) + "\n";
  s.resize(n);
  return s;
}

}  // namespace

TEST(Sniff, MagicBytesDecide) {
  std::string g = lstest::gzip("x"), z = lstest::zstd("x");
  EXPECT_EQ(sniff_compression(reinterpret_cast<const uint8_t*>(g.data()), g.size()), Compression::kGzip);
  EXPECT_EQ(sniff_compression(reinterpret_cast<const uint8_t*>(z.data()), z.size()), Compression::kZstd);
  const uint8_t skippable[] = {0x50, 0x2a, 0x4d, 0x18};
  EXPECT_EQ(sniff_compression(skippable, 4), Compression::kZstd);
  const uint8_t tar[] = {'e', 't', 'c', '/'};
  EXPECT_EQ(sniff_compression(tar, 4), Compression::kNone);
}

TEST(Gzip, RoundTripsLargeStreams) {
  std::string data = sample(3 << 20);
  EXPECT_EQ(inflate_all(Compression::kGzip, lstest::gzip(data)), data);
}

TEST(Gzip, ReadsEveryMemberOfAMultiMemberFile) {
  std::string a = sample(100000), b = sample(70000) + "tail";
  EXPECT_EQ(inflate_all(Compression::kGzip, lstest::gzip(a) + lstest::gzip(b)), a + b);
}

TEST(Gzip, AcceptsZeroPaddingButNotGarbage) {
  std::string data = sample(5000);
  EXPECT_EQ(inflate_all(Compression::kGzip, lstest::gzip(data) + std::string(100, '\0')), data);
  EXPECT_THROW(inflate_all(Compression::kGzip, lstest::gzip(data) + "garbage"), Error);
}

TEST(Gzip, TruncationAndCorruptionFailWithAnOffset) {
  std::string gz = lstest::gzip(sample(200000));
  try {
    inflate_all(Compression::kGzip, gz.substr(0, gz.size() / 2));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.text().find("truncated"), std::string::npos) << e.text();
  }
  std::string bad = gz;
  bad[bad.size() - 6] ^= 0x55;  // inside the CRC32 trailer
  EXPECT_THROW(inflate_all(Compression::kGzip, bad), Error);
}

TEST(Zstd, ReadsMultipleFramesAndSkippableFrames) {
  std::string a = sample(300000), b = sample(1000);
  const char skip[] = {0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 'm', 'e', 't', 'a'};
  std::string stream = lstest::zstd(a) + std::string(skip, sizeof skip) + lstest::zstd(b);
  EXPECT_EQ(inflate_all(Compression::kZstd, stream), a + b);
}

TEST(Zstd, TruncationAndCorruptionFail) {
  std::string z = lstest::zstd(sample(400000));
  EXPECT_THROW(inflate_all(Compression::kZstd, z.substr(0, z.size() - 10)), Error);
  std::string bad = z;
  for (size_t i = bad.size() / 2; i < bad.size() / 2 + 16; ++i) bad[i] ^= 0xff;
  EXPECT_THROW(inflate_all(Compression::kZstd, bad), Error);
}

TEST(MediaType, KnownAndUnknown) {
  bool known = false;
  EXPECT_EQ(compression_from_media_type("application/vnd.oci.image.layer.v1.tar+zstd", &known), Compression::kZstd);
  EXPECT_TRUE(known);
  EXPECT_EQ(compression_from_media_type("application/vnd.docker.image.rootfs.diff.tar.gzip", &known), Compression::kGzip);
  compression_from_media_type("application/vnd.example.unknown", &known);
  EXPECT_FALSE(known);
}

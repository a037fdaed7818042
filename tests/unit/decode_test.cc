#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "decode/compression.h"
#include "layer/cost_map.h"
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

// Compresses about 2:1, so a few MB make a blob of many decoder input windows.
std::string noisy_sample(size_t n) {
  std::string s;
  uint64_t x = 0x9e3779b97f4a7c15ull;
  while (s.size() < n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s += "entry " + std::to_string(x % 1000003) + (x % 5 ? " usr/lib\n" : " site-packages\n");
  }
  s.resize(n);
  return s;
}

// Returns at most a pseudo-random few bytes per read, as a network stream does.
class ChoppySource : public ByteSource {
 public:
  ChoppySource(std::string bytes, unsigned seed) : bytes_(std::move(bytes)), state_(seed) {}
  size_t read(uint8_t* buf, size_t cap) override {
    state_ = state_ * 1103515245u + 12345u;
    size_t n = std::min({cap, bytes_.size() - pos_, size_t{1} + (state_ >> 8) % 3000});
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string bytes_;
  size_t pos_ = 0;
  unsigned state_;
};

// Lends its bytes in place, in spans of pseudo-random length (a few bytes up to 700 KB), as
// the async stage lends its ring: decoders take whole windows from it without a copy, and
// assemble the windows that straddle two spans.
class LendingSource : public ByteSource {
 public:
  LendingSource(std::string bytes, unsigned seed) : bytes_(std::move(bytes)), state_(seed) {}
  size_t read(uint8_t* buf, size_t cap) override {
    const uint8_t* p = nullptr;
    size_t n = borrow(&p, cap);
    std::memcpy(buf, p, n);
    return n;
  }
  bool can_borrow() const override { return true; }
  size_t borrow(const uint8_t** data, size_t cap) override {
    if (span_left_ == 0) {
      state_ = state_ * 1103515245u + 12345u;
      span_left_ = (state_ >> 8) % 2 ? 1 + (state_ >> 9) % 5000 : 200'000 + (state_ >> 9) % 500'000;
    }
    size_t n = std::min({cap, bytes_.size() - pos_, span_left_});
    *data = reinterpret_cast<const uint8_t*>(bytes_.data()) + pos_;
    pos_ += n;
    span_left_ -= n;
    lent += n;
    return n;
  }
  size_t lent = 0;

 private:
  std::string bytes_;
  size_t pos_ = 0, span_left_ = 0;
  unsigned state_;
};

Checkpoints checkpoints(Compression c, ByteSource& src) {
  auto dec = make_decoder(c, src, "test");
  Checkpoints points;
  CheckpointTee tee(*dec, points);
  uint8_t buf[8192];
  while (tee.read(buf, sizeof buf)) {
  }
  return points;
}

}  // namespace

// Compressed-cost estimates come from these checkpoints; they must not depend on how the
// transport chunked the blob (a registry stream vs a file), or reports would differ by run.
TEST(CostMap, CheckpointsDoNotDependOnInputChunking) {
  std::string data = noisy_sample(3 << 20);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::string blob = c == Compression::kGzip ? lstest::gzip(data) : lstest::zstd(data);
    ASSERT_GT(blob.size(), 500'000u);  // several decoder input windows
    MemorySource whole(blob);
    Checkpoints ref = checkpoints(c, whole);
    ASSERT_GT(ref.size(), 10u);
    for (unsigned seed : {1u, 7u, 99u}) {
      ChoppySource choppy(blob, seed);
      EXPECT_EQ(checkpoints(c, choppy), ref) << "seed " << seed;
      // Windows lent in place (the -j2 and up path) must decode exactly as copied ones (-j1).
      LendingSource lending(blob, seed);
      EXPECT_EQ(checkpoints(c, lending), ref) << "lent, seed " << seed;
      EXPECT_EQ(lending.lent, blob.size());
    }
  }
}

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

// Through a lending source: members ending inside a lent window, the next header straddling
// two spans, zero padding and a truncated end, all as with copied input.
TEST(Gzip, LentInputDecodesLikeCopiedInput) {
  std::string a = sample(700000), b = sample(90000), c = sample(400000);
  std::string stream = lstest::gzip(a) + lstest::gzip(b) + lstest::gzip(c) + std::string(300, '\0');
  for (unsigned seed : {3u, 11u, 42u, 1000u}) {
    LendingSource lending(stream, seed);
    auto dec = make_decoder(Compression::kGzip, lending, "test");
    std::string out;
    uint8_t buf[4096];
    for (size_t n; (n = dec->read(buf, sizeof buf));) out.append(reinterpret_cast<char*>(buf), n);
    EXPECT_EQ(out, a + b + c) << "seed " << seed;
    EXPECT_EQ(dec->compressed_consumed(), stream.size()) << "seed " << seed;
    LendingSource cut(stream.substr(0, stream.size() / 2), seed);
    auto dec2 = make_decoder(Compression::kGzip, cut, "test");
    EXPECT_THROW(while (dec2->read(buf, sizeof buf)) {}, Error) << "seed " << seed;
  }
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

// zstd does not report where it failed; the error names an offset the fault lies before,
// never one before the fault (it said "offset 0" for a corrupt byte deep in the frame).
TEST(Zstd, CorruptionErrorNamesAnOffsetPastTheFault) {
  // With a content checksum, as the zstd CLI writes by default: any flipped bit is caught.
  std::string data = noisy_sample(3 << 20);
  std::string blob(ZSTD_compressBound(data.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
  size_t n = ZSTD_compress2(cctx, blob.data(), blob.size(), data.data(), data.size());
  ZSTD_freeCCtx(cctx);
  ASSERT_FALSE(ZSTD_isError(n));
  blob.resize(n);
  ASSERT_GT(blob.size(), 500'000u);  // several decoder input windows
  size_t at = blob.size() * 3 / 4;
  blob[at] ^= 0x5a;
  try {
    inflate_all(Compression::kZstd, blob);
    FAIL() << "corruption not detected";
  } catch (const Error& e) {
    std::string t = e.text();
    size_t p = t.find("before offset ");
    ASSERT_NE(p, std::string::npos) << t;
    uint64_t off = std::stoull(t.substr(p + 14));
    EXPECT_GT(off, at) << t;
    EXPECT_LE(off, blob.size()) << t;
  }
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

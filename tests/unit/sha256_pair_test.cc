// The SHA-extension sha256 and the blob/tar digest lane against OpenSSL (an independent implementation, through
// digest_of): every length around the block and padding boundaries, arbitrary splits of the
// input into update() calls, and paired updates of two streams whose spans do not line up.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <thread>

#include "decode/byte_source.h"
#include "decode/layer_digests.h"
#include "layer/indexer.h"
#include "support/image_builder.h"
#include "util/digest.h"
#include "util/sha256_pair.h"

using namespace layerscope;

namespace {

std::string pair_noise(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

const uint8_t* pair_bytes(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

TEST(Sha256Pair, EveryLengthAroundTheBlockBoundariesMatchesOpenSsl) {
  if (!sha_ni_available()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::string data = pair_noise(300, 1);
  for (size_t n = 0; n <= data.size(); ++n) {
    Sha256 h;
    h.update(pair_bytes(data), n);
    EXPECT_EQ(h.finish(), digest_of(std::string_view(data).substr(0, n))) << n;
  }
  Sha256 abc;
  abc.update(reinterpret_cast<const uint8_t*>("abc"), 3);
  EXPECT_EQ(abc.finish().hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Pair, AnySplitOfTheInputGivesTheSameDigest) {
  if (!sha_ni_available()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::string data = pair_noise(1 << 20, 2);
  Digest want = digest_of(data);
  std::mt19937_64 rng(3);
  for (int round = 0; round < 20; ++round) {
    Sha256 h;
    size_t pos = 0;
    while (pos < data.size()) {
      size_t n = std::min<size_t>(data.size() - pos, rng() % (round < 10 ? 200 : 70000));
      h.update(pair_bytes(data) + pos, n);
      pos += n;
    }
    EXPECT_EQ(h.bytes(), data.size());
    EXPECT_EQ(h.finish(), want) << round;
  }
}

// Two streams fed in spans of unrelated lengths, sometimes one of them empty, as the tar and
// the blob arrive: both digests equal OpenSSL's of each whole stream.
TEST(Sha256Pair, PairedUpdatesHashEachStreamAsIfAlone) {
  if (!sha_ni_available()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::string tar = pair_noise(3'000'017, 4), blob = pair_noise(1'100'003, 5);
  std::mt19937_64 rng(6);
  for (int round = 0; round < 12; ++round) {
    Sha256 x, y;
    size_t pa = 0, pb = 0;
    while (pa < tar.size() || pb < blob.size()) {
      size_t limit = round % 3 == 0 ? 130 : round % 3 == 1 ? 5000 : 300000;
      size_t na = std::min<size_t>(tar.size() - pa, rng() % limit);
      size_t nb = std::min<size_t>(blob.size() - pb, rng() % 4 == 0 ? 0 : rng() % limit);
      Sha256::update_pair(x, pair_bytes(tar) + pa, na, y, pair_bytes(blob) + pb, nb);
      pa += na;
      pb += nb;
    }
    EXPECT_EQ(x.finish(), digest_of(tar)) << round;
    EXPECT_EQ(y.finish(), digest_of(blob)) << round;
  }
}

// The lane between the read stage and the tar side: blob bytes appended on one thread, tar
// bytes hashed on another, both digests equal OpenSSL's of each whole stream.
TEST(BlobDigestLane, ConcurrentBlobAndTarGiveBothDigests) {
  if (!sha_ni_available()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::string blob = pair_noise(3'000'001, 7), tar = pair_noise(7'000'003, 8);
  for (int round = 0; round < 4; ++round) {
    BlobDigestLane lane;
    std::thread reader([&] {
      std::mt19937_64 rng(round);
      for (size_t pos = 0; pos < blob.size();) {
        size_t n = std::min<size_t>(blob.size() - pos, 1 + rng() % 300000);
        lane.append(pair_bytes(blob) + pos, n);
        pos += n;
      }
    });
    Sha256 tar_hash;
    std::mt19937_64 rng(100 + round);
    for (size_t pos = 0; pos < tar.size();) {
      size_t n = std::min<size_t>(tar.size() - pos, 1 + rng() % 262144);
      lane.hash_tar(tar_hash, pair_bytes(tar) + pos, n);
      pos += n;
    }
    reader.join();
    EXPECT_EQ(tar_hash.finish(), digest_of(tar));
    EXPECT_EQ(lane.finish(), digest_of(blob));
  }
}

// A blob that keeps coming while its tar stalls (no hash_tar calls at all) never queues more
// than the cap: the appending thread hashes the oldest bytes itself, in order.
TEST(BlobDigestLane, QueueIsCappedWhenTheTarStalls) {
  if (!sha_ni_available()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::string blob = pair_noise(BlobDigestLane::kMaxQueued * 2 + 12345, 9);
  BlobDigestLane lane;
  size_t most = 0;
  for (size_t pos = 0; pos < blob.size(); pos += 1 << 20) {
    lane.append(pair_bytes(blob) + pos, std::min<size_t>(blob.size() - pos, 1 << 20));
    most = std::max(most, lane.queued());
  }
  EXPECT_LE(most, BlobDigestLane::kMaxQueued);
  EXPECT_GT(most, BlobDigestLane::kMaxQueued / 2);
  EXPECT_EQ(lane.finish(), digest_of(blob));
}

// An uncompressed blob is its own tar: after go_solo() nothing waits for a partner.
TEST(BlobDigestLane, SoloHashesQueuedAndLaterBytes) {
  if (!sha_ni_available()) GTEST_SKIP() << "no SHA extensions on this CPU";
  std::string blob = pair_noise(5'000'000, 10);
  BlobDigestLane lane;
  lane.append(pair_bytes(blob), 1'000'000);
  lane.go_solo();
  EXPECT_EQ(lane.queued(), 0u);
  lane.append(pair_bytes(blob) + 1'000'000, blob.size() - 1'000'000);
  EXPECT_EQ(lane.queued(), 0u);
  EXPECT_EQ(lane.finish(), digest_of(blob));
}

// index_layer with and without the pairing, on one thread and on the pipeline: the same
// digests, equal to OpenSSL's of the blob and of the tar, for gzip, zstd and plain layers of
// many reads.
TEST(LayerDigests, IndexLayerDigestsAreTheSameWithAndWithoutPairing) {
  std::string big = pair_noise(3'000'000, 11);
  std::string tar = lstest::TarBuilder().file("noise", big).file("text", std::string(2'000'000, 't')).finish();
  for (std::string blob : {lstest::gzip(tar), lstest::zstd(tar), tar}) {
    for (bool paired : {false, true}) {
      for (bool pipeline : {false, true}) {
        IndexOptions o;
        o.paired_digests = paired;
        o.pipeline = pipeline;
        MemorySource src(blob);
        LayerIndex idx = index_layer(src, "layer 0", o);
        EXPECT_EQ(idx.blob_digest, digest_of(blob).str()) << paired << pipeline;
        EXPECT_EQ(idx.tar_digest, digest_of(tar).str()) << paired << pipeline;
        EXPECT_EQ(idx.compressed_bytes, blob.size());
        EXPECT_EQ(idx.tar_bytes, tar.size());
      }
    }
  }
}

// Pairing needs the SHA extensions, verification and sha256 on both sides; anything else is
// hashed by OpenSSL one stream at a time (the sha512 digests are checked in hardening_test).
TEST(LayerDigests, PairsOnlySha256WithVerification) {
  auto sha256 = DigestAlgorithm::kSha256, sha512 = DigestAlgorithm::kSha512;
  EXPECT_EQ(LayerDigests(true, sha256, sha256, true).paired(), sha_ni_available());
  EXPECT_FALSE(LayerDigests(true, sha256, sha256, false).paired());
  EXPECT_FALSE(LayerDigests(false, sha256, sha256, true).paired());
  EXPECT_FALSE(LayerDigests(true, sha512, sha256, true).paired());
  EXPECT_FALSE(LayerDigests(true, sha256, sha512, true).paired());
}

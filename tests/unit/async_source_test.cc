#include <gtest/gtest.h>

#include <vector>

#include "decode/async_source.h"
#include "decode/stage_buffers.h"
#include "layerscope/error.h"

using namespace layerscope;

namespace {

// Produces `total` bytes of a known pattern in uneven pieces, optionally failing midway.
class PatternSource : public ByteSource {
 public:
  PatternSource(size_t total, size_t fail_at = SIZE_MAX) : total_(total), fail_at_(fail_at) {}
  size_t read(uint8_t* buf, size_t cap) override {
    if (pos_ >= fail_at_) throw Error(ErrorKind::kFormat, "boom at " + std::to_string(pos_));
    size_t n = std::min({cap, total_ - pos_, size_t{777}});
    for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>((pos_ + i) * 31 % 251);
    pos_ += n;
    return n;
  }

 private:
  size_t total_, fail_at_, pos_ = 0;
};

}  // namespace

TEST(AsyncSource, DeliversEveryByteInOrder) {
  PatternSource up(5'000'003);
  AsyncSource async(up, 4096, 3);
  std::vector<uint8_t> buf(1000);
  size_t pos = 0;
  for (size_t n; (n = async.read(buf.data(), buf.size()));) {
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(buf[i], static_cast<uint8_t>((pos + i) * 31 % 251));
    pos += n;
  }
  EXPECT_EQ(pos, 5'000'003u);
  EXPECT_EQ(async.read(buf.data(), buf.size()), 0u);
}

TEST(AsyncSource, UpstreamErrorsReachTheConsumer) {
  PatternSource up(1'000'000, 300'000);
  AsyncSource async(up, 4096, 2);
  std::vector<uint8_t> buf(4096);
  EXPECT_THROW(
      {
        while (async.read(buf.data(), buf.size())) {
        }
      },
      Error);
}

TEST(AsyncSource, AbandoningMidStreamDoesNotHang) {
  PatternSource up(100'000'000);
  {
    AsyncSource async(up, 4096, 2);
    std::vector<uint8_t> buf(10);
    async.read(buf.data(), buf.size());
  }  // destructor must stop and join the producer
  SUCCEED();
}

// borrow() hands out views of the ring's chunks; mixed with read() the stream must still come
// out whole and in order, and skip() (which borrows) must drop exactly what it says.
TEST(AsyncSource, BorrowReadAndSkipInterleaveWithoutLosingBytes) {
  PatternSource up(3'000'017);
  AsyncSource async(up, 4096, 3);
  ASSERT_TRUE(async.can_borrow());
  std::vector<uint8_t> buf(1500);
  size_t pos = 0;
  for (int turn = 0;; ++turn) {
    size_t n = 0;
    if (turn % 3 == 0) {
      const uint8_t* data = nullptr;
      n = async.borrow(&data, 5000);
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(data[i], static_cast<uint8_t>((pos + i) * 31 % 251)) << pos + i;
    } else if (turn % 3 == 1) {
      n = async.read(buf.data(), buf.size());
      for (size_t i = 0; i < n; ++i) ASSERT_EQ(buf[i], static_cast<uint8_t>((pos + i) * 31 % 251)) << pos + i;
    } else {
      n = static_cast<size_t>(async.skip(2345));
    }
    if (n == 0) break;
    pos += n;
  }
  EXPECT_EQ(pos, 3'000'017u);
}

namespace {

// Records every cap it is asked for; returns short reads at irregular places (as a decoder
// does when its input window runs dry).
class RecordingSource : public ByteSource {
 public:
  explicit RecordingSource(size_t total) : total_(total) {}
  size_t read(uint8_t* buf, size_t cap) override {
    caps.push_back(cap);
    size_t n = std::min({cap, total_ - pos_, size_t{1000} + pos_ % 4099});
    for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>((pos_ + i) % 253);
    pos_ += n;
    return n;
  }
  std::vector<size_t> caps;

 private:
  size_t total_, pos_ = 0;
};

template <class Reader>
std::vector<uint8_t> drain(Reader& r, size_t piece) {
  std::vector<uint8_t> out, buf(piece);
  for (size_t n; (n = r.read(buf.data(), buf.size()));) out.insert(out.end(), buf.begin(), buf.begin() + n);
  return out;
}

}  // namespace

// The -j1 stage must ask its upstream (a decoder) for exactly what the async stage asks, or
// the compressed-cost checkpoints, taken between decoder reads, would differ with -j.
TEST(AsyncSource, ChunkSourceDrivesUpstreamLikeTheAsyncStage) {
  RecordingSource a(300'001), b(300'001);
  std::vector<uint8_t> via_async, via_chunks;
  {
    AsyncSource async(a, 65536, 3);
    via_async = drain(async, 333);
  }
  ChunkSource chunks(b, 65536);
  via_chunks = drain(chunks, 5000);
  EXPECT_EQ(via_async, via_chunks);
  EXPECT_EQ(via_async.size(), 300'001u);
  EXPECT_EQ(a.caps, b.caps);
  EXPECT_GT(a.caps.size(), 10u);
}

TEST(AsyncSource, ChunkSourceLendsEveryByteInOrder) {
  PatternSource up(200'000);
  ChunkSource chunks(up, 4096);
  size_t pos = 0;
  const uint8_t* p = nullptr;
  for (size_t n; (n = chunks.borrow(&p, 3000));) {
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(p[i], static_cast<uint8_t>((pos + i) * 31 % 251));
    pos += n;
  }
  EXPECT_EQ(pos, 200'000u);
}

TEST(StageBuffers, ReusedAcrossOwnersAndReleasedOnRequest) {
  release_stage_buffers();
  EXPECT_EQ(pooled_stage_buffers(), 0u);
  uint8_t* first = nullptr;
  {
    StageBuffer a = make_stage_buffer(kStageChunkBytes);
    first = a.get();
    a[0] = 1;
    a[kStageChunkBytes - 1] = 2;
  }
  EXPECT_EQ(pooled_stage_buffers(), 1u) << "a stage buffer goes back to the pool";
  StageBuffer b = make_stage_buffer(kStageChunkBytes);
  EXPECT_EQ(b.get(), first) << "and is handed out again";
  EXPECT_EQ(pooled_stage_buffers(), 0u);
  { StageBuffer odd = make_stage_buffer(4096); }  // other sizes are plain allocations
  EXPECT_EQ(pooled_stage_buffers(), 0u);
  {
    std::vector<StageBuffer> many;
    for (int i = 0; i < 40; ++i) many.push_back(make_stage_buffer(kStageChunkBytes));
  }
  EXPECT_EQ(pooled_stage_buffers(), 24u) << "the pool keeps at most 24";
  b.reset();
  EXPECT_EQ(pooled_stage_buffers(), 24u);
  release_stage_buffers();
  EXPECT_EQ(pooled_stage_buffers(), 0u) << "released when the layer jobs are done";
}

TEST(StageBuffers, AnAsyncStageReturnsItsRing) {
  release_stage_buffers();
  {
    PatternSource up(3'000'000);
    AsyncSource async(up);
    std::vector<uint8_t> buf(65536);
    while (async.read(buf.data(), buf.size())) {
    }
  }
  EXPECT_EQ(pooled_stage_buffers(), 4u) << "an async stage returns its ring to the pool";
  release_stage_buffers();
}

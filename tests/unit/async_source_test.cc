#include <gtest/gtest.h>

#include "decode/async_source.h"
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

#include <cstring>
#include <gtest/gtest.h>

#include "decode/async_source.h"
#include "decode/tar_reader.h"
#include "layerscope/error.h"
#include "support/image_builder.h"

using namespace layerscope;

namespace {

std::vector<TarEntry> read_all_entries(const std::string& tar, uint64_t* end_bytes = nullptr) {
  MemorySource src(tar);
  TarReader r(src, "test");
  std::vector<TarEntry> out;
  TarEntry e;
  while (r.next(e)) out.push_back(e);
  bool nz = false;
  uint64_t end = r.finish(1 << 20, &nz);
  if (end_bytes) *end_bytes = end;
  return out;
}

}  // namespace

TEST(TarReader, ReadsTypesSizesAndLinks) {
  std::string tar = lstest::TarBuilder()
                        .dir("etc")
                        .file("etc/passwd", "root:x:0:0\n")
                        .symlink("etc/link", "passwd")
                        .hardlink("etc/hard", "etc/passwd")
                        .finish();
  auto es = read_all_entries(tar);
  ASSERT_EQ(es.size(), 4u);
  EXPECT_EQ(es[0].type, TarType::kDirectory);
  EXPECT_EQ(es[1].name, "etc/passwd");
  EXPECT_EQ(es[1].size, 11u);
  EXPECT_EQ(es[2].type, TarType::kSymlink);
  EXPECT_EQ(es[2].linkname, "passwd");
  EXPECT_EQ(es[3].type, TarType::kHardlink);
  EXPECT_EQ(es[3].size, 0u);
}

TEST(TarReader, PaxLongNamesBelongToTheirEntry) {
  std::string long_name(150, 'n');
  std::string tar = lstest::TarBuilder().file("d/" + long_name, "x").symlink("s", std::string(120, 't')).finish();
  auto es = read_all_entries(tar);
  ASSERT_EQ(es.size(), 2u);
  EXPECT_EQ(es[0].name, "d/" + long_name);
  EXPECT_EQ(es[0].header_bytes, 512u * 3);  // pax header + its data block + the real header
  EXPECT_EQ(es[1].linkname, std::string(120, 't'));
}

TEST(TarReader, AccountingAddsUpToTheStreamLength) {
  std::string tar = lstest::TarBuilder().file("a", std::string(700, 'a')).file("b", "").finish(true);
  uint64_t end = 0;
  auto es = read_all_entries(tar, &end);
  uint64_t sum = end;
  for (const auto& e : es) sum += e.header_bytes + e.size + e.padding_bytes;
  EXPECT_EQ(sum, tar.size());
  EXPECT_EQ(es[0].padding_bytes, 1024u - 700u);
  EXPECT_EQ(end, 10240u - 2 * 512u - 1024u);
}

TEST(TarReader, HeaderOnlyTypesCarryNoDataWhateverTheirSizeField) {
  // A directory entry that claims 1000 bytes: Go's reader (and ours) skip no data for it.
  std::string tar = lstest::TarBuilder().raw_entry("d/", '5', "", 1000).file("f", "hi").finish();
  auto es = read_all_entries(tar);
  ASSERT_EQ(es.size(), 2u);
  EXPECT_EQ(es[0].size, 0u);
  EXPECT_EQ(es[0].declared_size, 1000u);
  EXPECT_EQ(es[1].name, "f");
}

TEST(TarReader, BadChecksumNamesTheOffset) {
  std::string tar = lstest::TarBuilder().file("a", std::string(600, 'x')).file("b", "y").finish();
  tar[1536 + 148] = '7';  // the second header starts at 512 + 1024
  try {
    read_all_entries(tar);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kFormat);
    EXPECT_NE(e.text().find("checksum"), std::string::npos);
    EXPECT_NE(e.text().find("offset 1536"), std::string::npos) << e.text();
  }
}

TEST(TarReader, TruncationInsideDataIsAnError) {
  std::string tar = lstest::TarBuilder().file("big", std::string(5000, 'x')).finish();
  tar.resize(2048);
  MemorySource src(tar);
  TarReader r(src, "t");
  TarEntry e;
  ASSERT_TRUE(r.next(e));
  EXPECT_THROW(r.read_data([](const uint8_t*, size_t) {}), Error);
}

TEST(TarReader, CleanEndWithoutZeroBlocksIsAccepted) {
  std::string tar = lstest::TarBuilder().file("a", "1").bytes();
  EXPECT_EQ(read_all_entries(tar).size(), 1u);
}

TEST(TarReader, TrailingGarbageBeyondTheLimitIsRefused) {
  std::string tar = lstest::TarBuilder().file("a", "1").finish() + std::string(4096, '\0');
  MemorySource src(tar);
  TarReader r(src, "t");
  TarEntry e;
  while (r.next(e)) {
  }
  bool nz;
  EXPECT_THROW(r.finish(1024, &nz), Error);
}

TEST(TarReader, Base256SizesAreRead) {
  std::string tar = lstest::TarBuilder().file("f", "abc").finish();
  // Rewrite the size field in GNU base-256 form and fix the checksum.
  char* h = tar.data();
  std::memset(h + 124, 0, 12);
  h[124] = static_cast<char>(0x80);
  h[135] = 3;
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (int i = 0; i < 512; ++i) sum += static_cast<unsigned char>(h[i]);
  std::snprintf(h + 148, 8, "%06o", sum);
  auto es = read_all_entries(tar);
  ASSERT_EQ(es.size(), 1u);
  EXPECT_EQ(es[0].size, 3u);
}

namespace {

// What a reader saw: every entry's name, offsets, byte counts and data (or "<skipped>").
std::string trace(ByteSource& src, bool read_every_other) {
  TarReader r(src, "test");
  std::string out;
  TarEntry e;
  for (int i = 0; r.next(e); ++i) {
    out += e.name + " @" + std::to_string(e.header_offset) + " h" + std::to_string(e.header_bytes) + " s" +
           std::to_string(e.size) + " p" + std::to_string(e.padding_bytes) + " ";
    if (read_every_other && i % 2) {
      out += "<skipped>\n";
      continue;
    }
    std::string data;
    r.read_data([&](const uint8_t* p, size_t n) { data.append(reinterpret_cast<const char*>(p), n); });
    out += data + "\n";
  }
  bool nz = false;
  out += "end " + std::to_string(r.finish(1 << 20, &nz)) + " at " + std::to_string(r.offset());
  return out;
}

// A source that hands out the stream in small uneven pieces and cannot lend.
class Trickle : public ByteSource {
 public:
  explicit Trickle(std::string s) : s_(std::move(s)) {}
  size_t read(uint8_t* buf, size_t cap) override {
    size_t n = std::min({cap, s_.size() - pos_, size_t{333}});
    std::memcpy(buf, s_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string s_;
  size_t pos_ = 0;
};

std::string pattern(size_t n, char seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + seed) % 26);
  return s;
}

}  // namespace

// Entry data borrowed straight from the async stage's chunks (files larger than what fill()
// copies, spans crossing chunk boundaries, skipped data) must read exactly like a plain copy.
TEST(TarReader, BorrowingFromALendingSourceReadsTheSameStream) {
  std::string long_name(150, 'n');
  std::string tar = lstest::TarBuilder()
                        .dir("d")
                        .file("d/small", "tiny")
                        .file("d/" + long_name, pattern(20'000, 1))
                        .file("d/big", pattern(700'001, 2))
                        .file("d/skipme", pattern(300'000, 3))
                        .file("d/empty", "")
                        .file("d/edge", pattern(16 * 1024 - 512, 4))
                        .file("d/last", pattern(262'145, 5))
                        .finish(true);
  for (bool skip : {false, true}) {
    MemorySource plain(tar);
    std::string want = trace(plain, skip);
    Trickle up(tar);
    AsyncSource async(up, 4099, 3);  // odd chunk size: spans and headers straddle chunks
    EXPECT_EQ(trace(async, skip), want) << (skip ? "with skipped data" : "all data read");
  }
}

TEST(TarReader, StreamEndingInsideBorrowedDataIsTruncation) {
  std::string tar = lstest::TarBuilder().file("big", pattern(500'000, 6)).finish();
  Trickle up(tar.substr(0, 200'000));
  AsyncSource async(up, 4096, 2);
  TarReader r(async, "test");
  TarEntry e;
  ASSERT_TRUE(r.next(e));
  try {
    r.read_data([](const uint8_t*, size_t) {});
    FAIL() << "no error";
  } catch (const Error& err) {
    EXPECT_NE(err.text().find("truncated tar"), std::string::npos) << err.text();
  }
}

// Streaming tar reader (POSIX ustar, pax extended headers, GNU long names and old-GNU
// sparse headers, v7). Written here rather than taken from libarchive because the analyzer
// needs what libarchive hides: the exact bytes each entry costs in headers and padding (the
// accounting invariant), the stream offset of every header (for error messages), and the
// entry data handed out as spans of our own buffer so hashing costs no copy.
//
// Rules follow Go's archive/tar, which wrote almost every layer in existence:
// link, symlink, char, block, directory and FIFO entries carry no data whatever their size
// field says; unknown types carry `size` bytes of data. pax `path`, `linkpath`, `size`,
// `uid`, `gid` override the header. Numeric fields may be octal or GNU base-256.
// The archive ends at the first all-zero block; what follows is counted as end padding.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "decode/byte_source.h"

namespace layerscope {

enum class TarType : uint8_t {
  kRegular,    // '0', '\0', '7' (contiguous)
  kSparse,     // old GNU 'S' or pax GNU.sparse.*: data is the stored (non-hole) bytes
  kHardlink,   // '1'
  kSymlink,    // '2'
  kChar,       // '3'
  kBlock,      // '4'
  kDirectory,  // '5'
  kFifo,       // '6'
  kOther,      // anything else (vendor types); carries `size` bytes of data
};

struct TarEntry {
  std::string name;      // raw name after pax / GNU long-name overrides
  std::string linkname;  // raw link target
  TarType type = TarType::kRegular;
  char typeflag = '0';
  uint64_t size = 0;  // data bytes in the stream (0 for header-only types)
  uint32_t mode = 0;
  uint64_t uid = 0;
  uint64_t gid = 0;
  int64_t mtime = 0;
  uint64_t header_offset = 0;  // stream offset of the first header block of this entry
  uint64_t header_bytes = 0;   // all header blocks: pax / GNU extension headers and their data
  uint64_t padding_bytes = 0;  // zero fill after the data up to the next 512-byte boundary
  uint64_t declared_size = 0;  // the size field as written (differs for header-only types)
  bool pax_path_invalid_utf8 = false;
};

class TarReader {
 public:
  // `what` prefixes error messages ("layer 2 sha256:ab12…").
  TarReader(ByteSource& src, std::string what, size_t buffer_size = 1 << 20);

  // Moves to the next entry, skipping unread data of the current one. False at the end of
  // the archive (a zero block or a clean end of stream at a header boundary).
  bool next(TarEntry& entry);

  // Delivers the current entry's data in spans of the internal buffer. May be called once
  // per entry; not calling it skips the data.
  void read_data(const std::function<void(const uint8_t*, size_t)>& sink);

  // Pull form of read_data: copies up to `cap` bytes of the current entry's data into `buf`;
  // 0 once the entry's data is exhausted.
  size_t read_data_some(uint8_t* buf, size_t cap);

  // After next() returned false: consumes the rest of the stream (end blocks, record padding)
  // and returns its length. Fails with kLimit past `max_trailing` bytes (a bomb hiding after
  // the end marker) and reports non-zero trailing bytes through `nonzero`.
  uint64_t finish(uint64_t max_trailing, bool* nonzero);

  uint64_t offset() const { return offset_; }  // bytes consumed so far
  const std::string& what() const { return what_; }

 private:
  bool fill(size_t need);  // ensure `need` bytes buffered; false at end of stream
  void consume(size_t n);
  void skip_bytes(uint64_t n, const char* inside);
  void read_exact(std::string& out, uint64_t n, const char* what);
  [[noreturn]] void fail(const std::string& why, uint64_t at) const;
  void apply_pax(const std::string& data, TarEntry& e, bool global);

  ByteSource& src_;
  std::string what_;
  std::vector<uint8_t> buf_;
  // How much fill() asks for at a time. With a source that lends its own buffer, only
  // headers are copied into buf_ and entry data is borrowed in place (read_data), so fill()
  // asks for little; otherwise it fills the whole buffer to keep read calls few.
  bool borrowing_;  // the source lends its buffer: entry data is read in place
  size_t fill_chunk_;
  size_t pos_ = 0;
  size_t len_ = 0;
  bool eof_ = false;
  uint64_t offset_ = 0;        // stream offset of buf_[pos_]
  uint64_t data_left_ = 0;     // unread data of the current entry
  uint64_t pad_left_ = 0;      // its padding
  bool data_read_ = false;
  bool pax_size_set_ = false;
  std::string current_name_;
};

}  // namespace layerscope

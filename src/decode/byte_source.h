// Pull-based byte streams. Every stage of the layer pipeline (file range, digest tap,
// decompressor, tar member) is a ByteSource reading from the one below it into the caller's
// buffer, so a layer's bytes flow through fixed buffers and are never held whole in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace layerscope {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `cap` bytes into `buf`; returns 0 only at the end of the stream. Throws
  // layerscope::Error on failure.
  virtual size_t read(uint8_t* buf, size_t cap) = 0;
  // Skips up to `n` bytes, returns how many were skipped (fewer only at the end). The default
  // reads and discards; seekable sources override it.
  virtual uint64_t skip(uint64_t n);

  // Zero-copy reading, for sources that hold the bytes in a buffer of their own (the async
  // stage's ring): borrow() points `*data` at up to `cap` bytes, consumes them, and returns
  // how many (0 only at the end of the stream). The bytes stay valid until the next call on
  // this source. Only called when can_borrow() is true; tees forward both.
  virtual bool can_borrow() const { return false; }
  virtual size_t borrow(const uint8_t** data, size_t cap);
};

// Reads until `cap` bytes or the end of the stream. Decoders fill their input buffers with it so
// that what they consume per call — and so the compressed-cost checkpoints — depends only on the
// bytes, not on how a network or pipe happened to chunk them (deterministic output at any -j
// and any connection count).
size_t read_full(ByteSource& src, uint8_t* buf, size_t cap);

// A decoder's next input window: the next `cap` bytes (fewer only at the end), lent in place
// when the source below holds them all in one buffer of its own (the async stage's ring),
// else read into `buf`. The window holds the same bytes either way, so a decoder consumes,
// and is checkpointed, identically at any -j; lending only saves the copy. Points `*window`
// at the bytes, which stay valid until the next call on `src`; returns their count.
size_t next_window(ByteSource& src, uint8_t* buf, size_t cap, const uint8_t** window);

// A decompressor: a ByteSource that also says how much compressed input it has consumed, so
// positions in the output can be mapped back to the blob (compressed-cost estimates).
class Decoder : public ByteSource {
 public:
  virtual uint64_t compressed_consumed() const = 0;
};

// Reads [offset, offset + length) of a file with pread, so several jobs can read distinct
// members of one archive through their own sources at the same time.
class FileRangeSource : public ByteSource {
 public:
  // length == UINT64_MAX means "to the end of the file". `fd` is borrowed.
  FileRangeSource(int fd, uint64_t offset, uint64_t length, std::string what);
  size_t read(uint8_t* buf, size_t cap) override;
  uint64_t skip(uint64_t n) override;

 private:
  int fd_;
  uint64_t pos_;
  uint64_t end_;
  std::string what_;
};

// An open file descriptor with RAII; opened read-only with O_CLOEXEC.
class File {
 public:
  explicit File(const std::string& path);
  ~File();
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string bytes) : bytes_(std::move(bytes)) {}
  size_t read(uint8_t* buf, size_t cap) override;
  uint64_t skip(uint64_t n) override;

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

// Hands out `prefix` first, then the rest of `inner`: lets a sniffer look at the first bytes
// of a stream that cannot be rewound.
class PrefixedSource : public ByteSource {
 public:
  PrefixedSource(std::vector<uint8_t> prefix, ByteSource& inner)
      : prefix_(std::move(prefix)), inner_(inner) {}
  size_t read(uint8_t* buf, size_t cap) override;
  bool can_borrow() const override { return inner_.can_borrow(); }
  size_t borrow(const uint8_t** data, size_t cap) override;

 private:
  std::vector<uint8_t> prefix_;
  size_t pos_ = 0;
  ByteSource& inner_;
};

// Reads a whole (small) stream into a string, failing with kLimit beyond `cap` bytes.
std::string read_all(ByteSource& src, size_t cap, const std::string& what);

// Reads up to n bytes (fewer only at the end of the stream).
std::vector<uint8_t> read_up_to(ByteSource& src, size_t n);

}  // namespace layerscope

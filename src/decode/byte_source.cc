#include "decode/byte_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "layerscope/error.h"

namespace layerscope {

size_t read_full(ByteSource& src, uint8_t* buf, size_t cap) {
  size_t done = 0;
  while (done < cap) {
    size_t got = src.read(buf + done, cap - done);
    if (got == 0) break;
    done += got;
  }
  return done;
}

uint64_t ByteSource::skip(uint64_t n) {
  uint64_t done = 0;
  if (can_borrow()) {
    const uint8_t* data = nullptr;
    while (done < n) {
      size_t got = borrow(&data, static_cast<size_t>(std::min<uint64_t>(n - done, SIZE_MAX)));
      if (got == 0) break;
      done += got;
    }
    return done;
  }
  uint8_t buf[64 * 1024];
  while (done < n) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buf, n - done));
    size_t got = read(buf, want);
    if (got == 0) break;
    done += got;
  }
  return done;
}

File::File(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw Error(ErrorKind::kIo, path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    int e = errno;
    ::close(fd_);
    throw Error(ErrorKind::kIo, path + ": " + std::strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd_);
    throw Error(ErrorKind::kIo, path + ": is a directory");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

File::~File() {
  if (fd_ >= 0) ::close(fd_);
}

FileRangeSource::FileRangeSource(int fd, uint64_t offset, uint64_t length, std::string what)
    : fd_(fd), pos_(offset), end_(length == UINT64_MAX ? UINT64_MAX : offset + length), what_(std::move(what)) {}

size_t FileRangeSource::read(uint8_t* buf, size_t cap) {
  if (pos_ >= end_) return 0;
  size_t want = static_cast<size_t>(std::min<uint64_t>(cap, end_ - pos_));
  for (;;) {
    ssize_t got = ::pread(fd_, buf, want, static_cast<off_t>(pos_));
    if (got < 0) {
      if (errno == EINTR) continue;
      throw Error(ErrorKind::kIo, what_ + ": read error at offset " + std::to_string(pos_) + ": " +
                                      std::strerror(errno));
    }
    if (got == 0 && end_ != UINT64_MAX) {
      throw Error(ErrorKind::kFormat, what_ + ": file ends at offset " + std::to_string(pos_) +
                                          ", " + std::to_string(end_ - pos_) + " bytes short");
    }
    pos_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
}

uint64_t FileRangeSource::skip(uint64_t n) {
  uint64_t step = std::min<uint64_t>(n, end_ - pos_);
  pos_ += step;
  return step;
}

size_t MemorySource::read(uint8_t* buf, size_t cap) {
  size_t n = std::min(cap, bytes_.size() - pos_);
  std::memcpy(buf, bytes_.data() + pos_, n);
  pos_ += n;
  return n;
}

uint64_t MemorySource::skip(uint64_t n) {
  size_t step = static_cast<size_t>(std::min<uint64_t>(n, bytes_.size() - pos_));
  pos_ += step;
  return step;
}

size_t PrefixedSource::read(uint8_t* buf, size_t cap) {
  if (pos_ < prefix_.size()) {
    size_t n = std::min(cap, prefix_.size() - pos_);
    std::memcpy(buf, prefix_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  return inner_.read(buf, cap);
}

size_t PrefixedSource::borrow(const uint8_t** data, size_t cap) {
  if (pos_ < prefix_.size()) {
    size_t n = std::min(cap, prefix_.size() - pos_);
    *data = prefix_.data() + pos_;
    pos_ += n;
    return n;
  }
  return inner_.borrow(data, cap);
}

size_t next_window(ByteSource& src, uint8_t* buf, size_t cap, const uint8_t** window) {
  *window = buf;
  if (!src.can_borrow()) return read_full(src, buf, cap);
  const uint8_t* lent = nullptr;
  size_t got = src.borrow(&lent, cap);
  if (got == cap || got == 0) {
    if (got) *window = lent;
    return got;
  }
  // The window straddles two of the source's buffers: assemble it.
  std::memcpy(buf, lent, got);
  return got + read_full(src, buf + got, cap - got);
}

size_t ByteSource::borrow(const uint8_t**, size_t) {
  throw Error(ErrorKind::kInternal, "borrow() called on a source without a buffer of its own");
}

std::string read_all(ByteSource& src, size_t cap, const std::string& what) {
  std::string out;
  uint8_t buf[64 * 1024];
  for (;;) {
    size_t n = src.read(buf, sizeof buf);
    if (n == 0) break;
    if (out.size() + n > cap) {
      throw Error(ErrorKind::kLimit, what + ": larger than the " + std::to_string(cap) +
                                         "-byte limit for metadata");
    }
    out.append(reinterpret_cast<const char*>(buf), n);
  }
  return out;
}

std::vector<uint8_t> read_up_to(ByteSource& src, size_t n) {
  std::vector<uint8_t> out(n);
  size_t have = 0;
  while (have < n) {
    size_t got = src.read(out.data() + have, n - have);
    if (got == 0) break;
    have += got;
  }
  out.resize(have);
  return out;
}

}  // namespace layerscope

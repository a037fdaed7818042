#include "decode/chunk_source.h"

#include <algorithm>
#include <cstring>

namespace layerscope {

size_t fill_chunk(ByteSource& src, uint8_t* buf, size_t cap, bool& eof) {
  size_t size = 0;
  eof = false;
  while (size < cap) {
    size_t n = src.read(buf + size, cap - size);
    if (n == 0) {
      eof = true;
      break;
    }
    size += n;
  }
  return size;
}

ChunkSource::ChunkSource(ByteSource& upstream, size_t buffer_size)
    : upstream_(upstream), data_(make_stage_buffer(buffer_size)), capacity_(buffer_size) {}

bool ChunkSource::next_chunk() {
  if (pos_ < size_) return true;
  if (eof_) return false;
  size_ = fill_chunk(upstream_, data_.get(), capacity_, eof_);
  pos_ = 0;
  return size_ > 0;
}

size_t ChunkSource::read(uint8_t* buf, size_t cap) {
  if (cap == 0 || !next_chunk()) return 0;
  size_t n = std::min(cap, size_ - pos_);
  std::memcpy(buf, data_.get() + pos_, n);
  pos_ += n;
  return n;
}

// The lent bytes stay in the buffer until the next call refills it.
size_t ChunkSource::borrow(const uint8_t** data, size_t cap) {
  if (cap == 0 || !next_chunk()) return 0;
  size_t n = std::min(cap, size_ - pos_);
  *data = data_.get() + pos_;
  pos_ += n;
  return n;
}

}  // namespace layerscope

// A pass-through ByteSource that counts the blob bytes read through it for a
// ProgressObserver. It reports in batches of kProgressBatchBytes, so watching costs one call
// per few MiB instead of one per read; flush() hands over the remainder when the layer is done.
#pragma once

#include <cstdint>
#include <functional>

#include "decode/byte_source.h"

namespace layerscope {

inline constexpr uint64_t kProgressBatchBytes = uint64_t{4} << 20;

class ProgressSource : public ByteSource {
 public:
  using Report = std::function<void(uint64_t delta)>;
  ProgressSource(ByteSource& inner, Report report) : inner_(inner), report_(std::move(report)) {}

  size_t read(uint8_t* buf, size_t cap) override { return count(inner_.read(buf, cap)); }
  // Skipped bytes are done too; the inner source keeps its own (maybe seeking) skip.
  uint64_t skip(uint64_t n) override { return count(inner_.skip(n)); }
  bool can_borrow() const override { return inner_.can_borrow(); }
  size_t borrow(const uint8_t** data, size_t cap) override { return count(inner_.borrow(data, cap)); }

  void flush() {
    if (pending_) report_(pending_);
    pending_ = 0;
  }

 private:
  template <typename N>
  N count(N n) {
    pending_ += n;
    if (pending_ >= kProgressBatchBytes) flush();
    return n;
  }

  ByteSource& inner_;
  Report report_;
  uint64_t pending_ = 0;
};

}  // namespace layerscope

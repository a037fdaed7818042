// zstd (RFC 8878) decoding with libzstd's streaming API. A layer may be several frames and
// skippable frames (zstd:chunked writes exactly that); ZSTD_decompressStream walks them all.
// The window is capped so a hostile frame header cannot make us allocate gigabytes.
#pragma once

#include <string>
#include <vector>

#include "decode/byte_source.h"

struct ZSTD_DCtx_s;

namespace layerscope {

class ZstdSource : public Decoder {
 public:
  ZstdSource(ByteSource& inner, std::string what);
  ~ZstdSource() override;
  size_t read(uint8_t* buf, size_t cap) override;
  uint64_t compressed_consumed() const override { return in_consumed_ + in_pos_; }

 private:
  ByteSource& inner_;
  std::string what_;
  ZSTD_DCtx_s* ctx_;
  std::vector<uint8_t> in_;
  const uint8_t* in_ptr_ = nullptr;  // the current window: in_, or lent by inner_
  size_t in_pos_ = 0;
  size_t in_len_ = 0;
  uint64_t in_consumed_ = 0;
  bool in_eof_ = false;
  bool frame_done_ = false;  // the last frame seen is complete
  bool any_input_ = false;
};

}  // namespace layerscope

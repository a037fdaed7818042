// gzip (RFC 1952) decoding with ISA-L's igzip inflate, several times faster than zlib on the
// same core. A gzip file may hold several members back to back (eStargz layers are exactly
// that, and `cat a.gz b.gz` is legal), so after each member the decoder restarts on whatever
// input follows. The CRC32 and ISIZE trailer of every member are verified by ISA-L.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "decode/byte_source.h"

struct inflate_state;

namespace layerscope {

class GzipSource : public Decoder {
 public:
  GzipSource(ByteSource& inner, std::string what);
  ~GzipSource() override;
  size_t read(uint8_t* buf, size_t cap) override;
  uint64_t compressed_consumed() const override;

 private:
  bool refill();
  void start_member();
  bool at_next_member();
  [[noreturn]] void fail(const std::string& why) const;

  ByteSource& inner_;
  std::string what_;
  std::vector<uint8_t> in_;
  std::unique_ptr<inflate_state> st_;
  uint64_t in_consumed_ = 0;  // compressed bytes handed to ISA-L before the current buffer
  size_t in_len_ = 0;
  bool in_eof_ = false;
  bool done_ = false;
  int members_ = 0;
};

}  // namespace layerscope

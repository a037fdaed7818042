#include "decode/gzip_source.h"

#include <isa-l/igzip_lib.h>

#include <cstring>

#include "layerscope/error.h"

namespace layerscope {

namespace {
constexpr size_t kInputChunk = 256 * 1024;

const char* isal_error_name(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid deflate back-reference";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported gzip compression method";
    case ISAL_INCORRECT_CHECKSUM: return "gzip CRC32 or length check failed";
    case ISAL_NEED_DICT: return "deflate stream needs a preset dictionary";
    default: return "gzip decoding error";
  }
}
}  // namespace

GzipSource::GzipSource(ByteSource& inner, std::string what)
    : inner_(inner), what_(std::move(what)), in_(kInputChunk), st_(std::make_unique<inflate_state>()) {
  isal_inflate_init(st_.get());
  st_->crc_flag = ISAL_GZIP;
  st_->next_in = in_.data();
  st_->avail_in = 0;
}

GzipSource::~GzipSource() = default;

uint64_t GzipSource::compressed_consumed() const { return in_consumed_ + (in_len_ - st_->avail_in); }

void GzipSource::fail(const std::string& why) const {
  uint64_t offset = in_consumed_ + (in_len_ - st_->avail_in);
  throw Error(ErrorKind::kFormat, what_ + ": " + why + " at compressed offset " + std::to_string(offset));
}

bool GzipSource::refill() {
  if (in_eof_) return false;
  in_consumed_ += in_len_ - st_->avail_in;
  size_t keep = st_->avail_in;
  size_t got = 0;
  if (keep == 0) {
    // The usual case (ISA-L takes all it is given): a whole window, lent in place when the
    // async stage holds it, which spares the inflate thread a copy of every compressed byte.
    const uint8_t* window = nullptr;
    got = next_window(inner_, in_.data(), in_.size(), &window);
    st_->next_in = const_cast<uint8_t*>(window);  // ISA-L's API is not const; it only reads
  } else {
    // Bytes ISA-L has not consumed yet (a header straddling the window, the bytes after a
    // member) go to the front of our own buffer, before the next call on `inner_` can
    // invalidate a lent window they may sit in.
    std::memmove(in_.data(), st_->next_in, keep);
    if (keep < in_.size()) got = read_full(inner_, in_.data() + keep, in_.size() - keep);
    st_->next_in = in_.data();
  }
  if (got == 0 && keep < in_.size()) in_eof_ = true;
  in_len_ = keep + got;
  st_->avail_in = static_cast<uint32_t>(in_len_);
  return got > 0;
}

void GzipSource::start_member() {
  uint8_t* next = st_->next_in;
  uint32_t avail = st_->avail_in;
  isal_inflate_reset(st_.get());
  st_->crc_flag = ISAL_GZIP;
  st_->next_in = next;
  st_->avail_in = avail;
}

// After a member ends: is another gzip member next? Trailing zero padding is accepted (some
// writers pad to a block size); any other trailing bytes are an error, since silently
// dropping them would hide a corrupt or concatenated-garbage layer.
bool GzipSource::at_next_member() {
  for (;;) {
    while (st_->avail_in < 2 && !in_eof_) refill();
    if (st_->avail_in == 0) return false;
    if (st_->avail_in >= 2 && st_->next_in[0] == 0x1f && st_->next_in[1] == 0x8b) return true;
    for (uint32_t i = 0; i < st_->avail_in; ++i) {
      if (st_->next_in[i] != 0) fail("unexpected data after the end of the gzip stream");
    }
    st_->next_in += st_->avail_in;
    st_->avail_in = 0;
    if (in_eof_) return false;
  }
}

size_t GzipSource::read(uint8_t* buf, size_t cap) {
  if (done_ || cap == 0) return 0;
  if (cap > UINT32_MAX) cap = UINT32_MAX;
  for (;;) {
    if (st_->avail_in == 0 && !in_eof_) refill();
    st_->next_out = buf;
    st_->avail_out = static_cast<uint32_t>(cap);
    uint32_t avail_in_before = st_->avail_in;
    int rc = isal_inflate(st_.get());
    if (rc < 0) fail(isal_error_name(rc));
    size_t produced = cap - st_->avail_out;
    if (st_->block_state == ISAL_BLOCK_FINISH) {
      ++members_;
      if (at_next_member()) {
        start_member();
      } else {
        done_ = true;
      }
      if (produced) return produced;
      if (done_) return 0;
      continue;
    }
    if (produced) return produced;
    bool progressed = st_->avail_in != avail_in_before;
    if (!progressed && st_->avail_in == 0 && in_eof_) {
      fail(members_ == 0 && in_consumed_ + in_len_ == 0 ? std::string("empty gzip stream")
                                                        : std::string("truncated gzip stream: input ends"));
    }
    if (!progressed && st_->avail_in > 0) {
      // ISA-L wants more input than is buffered (a header straddling the buffer end).
      if (!refill() && in_eof_) fail("truncated gzip stream: input ends");
    }
  }
}

}  // namespace layerscope

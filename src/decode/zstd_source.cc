#include "decode/zstd_source.h"

#include <zstd.h>

#include "layerscope/error.h"

namespace layerscope {

namespace {
constexpr int kMaxWindowLog = 31;  // 2 GiB: the zstd CLI's --long=31 ceiling
}

ZstdSource::ZstdSource(ByteSource& inner, std::string what)
    : inner_(inner), what_(std::move(what)), ctx_(ZSTD_createDCtx()), in_(ZSTD_DStreamInSize()) {
  if (!ctx_) throw Error(ErrorKind::kInternal, "cannot allocate a zstd context");
  ZSTD_DCtx_setParameter(ctx_, ZSTD_d_windowLogMax, kMaxWindowLog);
}

ZstdSource::~ZstdSource() { ZSTD_freeDCtx(ctx_); }

size_t ZstdSource::read(uint8_t* buf, size_t cap) {
  if (cap == 0) return 0;
  for (;;) {
    if (in_pos_ == in_len_ && !in_eof_) {
      in_consumed_ += in_len_;
      in_len_ = next_window(inner_, in_.data(), in_.size(), &in_ptr_);
      in_pos_ = 0;
      if (in_len_ == 0) {
        in_eof_ = true;
      } else {
        any_input_ = true;
      }
    }
    ZSTD_inBuffer input{in_ptr_, in_len_, in_pos_};
    size_t consumed_before = in_pos_;
    ZSTD_outBuffer output{buf, cap, 0};
    size_t ret = ZSTD_decompressStream(ctx_, &output, &input);
    in_pos_ = input.pos;
    if (ZSTD_isError(ret)) {
      // zstd does not say where in its input it failed (it leaves the position where the call
      // began, and may hold part of a block from earlier input), so name the end of what it
      // was given: the fault lies before it (a checksum mismatch can come from anywhere in
      // the frame).
      throw Error(ErrorKind::kFormat, what_ + ": zstd: " + ZSTD_getErrorName(ret) +
                                          " in the compressed bytes before offset " +
                                          std::to_string(in_consumed_ + in_len_));
    }
    // ret == 0: a frame is fully decoded and flushed. Called again with no input, zstd
    // answers with the size of the next frame header instead, so only a call that consumed
    // input can reopen a frame.
    if (ret == 0) frame_done_ = true;
    else if (input.pos > consumed_before) frame_done_ = false;
    if (output.pos > 0) return output.pos;
    if (in_eof_ && in_pos_ == in_len_) {
      if (!any_input_) {
        throw Error(ErrorKind::kFormat, what_ + ": empty zstd stream");
      }
      if (!frame_done_) {
        throw Error(ErrorKind::kFormat, what_ + ": truncated zstd stream: input ends at compressed offset " +
                                            std::to_string(in_consumed_ + in_pos_));
      }
      return 0;
    }
  }
}

}  // namespace layerscope

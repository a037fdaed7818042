#include "decode/compression.h"

#include "decode/gzip_source.h"
#include "decode/zstd_source.h"
#include "util/text.h"

namespace layerscope {

namespace {

class PassThrough : public Decoder {
 public:
  explicit PassThrough(ByteSource& inner) : inner_(inner) {}
  size_t read(uint8_t* buf, size_t cap) override {
    size_t n = inner_.read(buf, cap);
    consumed_ += n;
    return n;
  }
  uint64_t skip(uint64_t n) override {
    uint64_t k = inner_.skip(n);
    consumed_ += k;
    return k;
  }
  uint64_t compressed_consumed() const override { return consumed_; }

 private:
  ByteSource& inner_;
  uint64_t consumed_ = 0;
};

}  // namespace

const char* compression_name(Compression c) {
  switch (c) {
    case Compression::kGzip: return "gzip";
    case Compression::kZstd: return "zstd";
    default: return "none";
  }
}

Compression sniff_compression(const uint8_t* d, size_t n) {
  if (n >= 2 && d[0] == 0x1f && d[1] == 0x8b) return Compression::kGzip;
  if (n >= 4 && d[0] == 0x28 && d[1] == 0xb5 && d[2] == 0x2f && d[3] == 0xfd) return Compression::kZstd;
  // A zstd:chunked or seekable stream may open with a skippable frame (0x184D2A5?).
  if (n >= 4 && (d[0] & 0xf0) == 0x50 && d[1] == 0x2a && d[2] == 0x4d && d[3] == 0x18) {
    return Compression::kZstd;
  }
  return Compression::kNone;
}

Compression compression_from_media_type(std::string_view mt, bool* known) {
  *known = true;
  // Docker schema2 and OCI layer types, including the non-distributable variants.
  if (mt == "application/vnd.docker.image.rootfs.diff.tar.gzip" ||
      mt == "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip") {
    return Compression::kGzip;
  }
  if (starts_with(mt, "application/vnd.oci.image.layer.")) {
    if (ends_with(mt, ".tar+gzip")) return Compression::kGzip;
    if (ends_with(mt, ".tar+zstd")) return Compression::kZstd;
    if (ends_with(mt, ".tar")) return Compression::kNone;
  }
  if (mt == "application/vnd.docker.image.rootfs.diff.tar" || mt == "application/x-tar" ||
      mt.empty()) {
    return Compression::kNone;
  }
  *known = false;
  return Compression::kNone;
}

std::unique_ptr<Decoder> make_decoder(Compression c, ByteSource& inner, std::string what) {
  switch (c) {
    case Compression::kGzip: return std::make_unique<GzipSource>(inner, std::move(what));
    case Compression::kZstd: return std::make_unique<ZstdSource>(inner, std::move(what));
    default: return std::make_unique<PassThrough>(inner);
  }
}

}  // namespace layerscope

// fuzz_tar_stream: the layer byte path, i.e. a decoder (gzip via ISA-L, zstd, or plain
// pass-through) feeding the streaming tar reader, and the real per-layer indexer on top
// (sniffing, digests, whiteout classification, path cleaning, secret sniffing, compressed
// cost map, accounting check). Every layer blob of an image goes through this code, so a
// hostile layer must end in layerscope::Error, not a crash, hang or unbounded allocation.
//
// Input: byte 0 picks the compression forced on the decoder path (bits 0-1), whether the
// indexer runs its threaded pipeline (bit 2), and seeds the random read-chunk sizes (all
// bits); the rest is the blob. Small limits keep decompression bombs cheap.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "decode/compression.h"
#include "decode/tar_reader.h"
#include "fuzz_common.h"
#include "layer/indexer.h"
#include "layerscope/error.h"

using namespace layerscope;

namespace {

constexpr uint64_t kMaxOut = 16 << 20;  // decompressed bytes either path may produce

// Hands the blob out in random-sized chunks, as a network or pipe would.
class ChunkedSource : public ByteSource {
 public:
  ChunkedSource(const uint8_t* p, size_t n, uint64_t seed) : p_(p), n_(n), rng_{seed} {}
  size_t read(uint8_t* buf, size_t cap) override {
    if (n_ == 0 || cap == 0) return 0;
    size_t k = 1 + rng_.below(rng_.below(4) == 0 ? 8 : 4096);
    if (k > cap) k = cap;
    if (k > n_) k = n_;
    std::memcpy(buf, p_, k);
    p_ += k;
    n_ -= k;
    return k;
  }

 private:
  const uint8_t* p_;
  size_t n_;
  layerscope_fuzz::Rng rng_;
};

// Caps what the decoder path may inflate (the indexer has its own max_tar_bytes).
class CapSource : public ByteSource {
 public:
  explicit CapSource(ByteSource& inner) : inner_(inner) {}
  size_t read(uint8_t* buf, size_t cap) override {
    size_t n = inner_.read(buf, cap);
    total_ += n;
    if (total_ > kMaxOut) throw Error(ErrorKind::kLimit, "fuzz: decompressed output cap");
    return n;
  }

 private:
  ByteSource& inner_;
  uint64_t total_ = 0;
};

void check(const Error& e) {
  if (e.kind() == ErrorKind::kInternal) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  uint8_t ctl = data[0];
  const uint8_t* blob = data + 1;
  size_t n = size - 1;
  static const Compression kinds[] = {Compression::kNone, Compression::kGzip, Compression::kZstd, Compression::kNone};

  // 1. A forced decoder under the tar reader, alternating push and pull data reads.
  try {
    ChunkedSource src(blob, n, ctl);
    auto dec = make_decoder(kinds[ctl & 3], src, "fuzz");
    CapSource capped(*dec);
    TarReader tar(capped, "fuzz", ctl & 8 ? 1024 : 64 << 10);
    TarEntry e;
    uint64_t entries = 0;
    while (tar.next(e)) {
      if (++entries > 10000) break;
      if (entries % 3 == 0) {
        uint8_t buf[777];
        while (tar.read_data_some(buf, sizeof buf)) {
        }
      } else if (entries % 3 == 1) {
        tar.read_data([](const uint8_t*, size_t) {});
      }
    }
    bool nonzero = false;
    if (entries <= 10000) tar.finish(1 << 20, &nonzero);
    (void)dec->compressed_consumed();
  } catch (const Error& e) {
    check(e);
  }

  // 2. The real indexer (it sniffs the compression itself).
  try {
    ChunkedSource src(blob, n, ctl ^ 0x5a);
    IndexOptions o;
    o.max_tar_bytes = kMaxOut;
    o.max_entries = 10000;
    o.max_trailing_bytes = 1 << 20;
    o.pipeline = (ctl & 4) != 0;
    o.tar_buffer_bytes = ctl & 8 ? 1024 : 64 << 10;
    LayerIndex idx = index_layer(src, "fuzz layer", o);
    uint64_t est = 0;
    for (const auto& e : idx.entries) est += e.compressed_est;
    if (est > idx.compressed_bytes) {
      std::fprintf(stderr, "compressed estimates exceed the blob: %llu > %llu\n", (unsigned long long)est,
                   (unsigned long long)idx.compressed_bytes);
      std::abort();
    }
  } catch (const Error& e) {
    check(e);
  }
  return 0;
}

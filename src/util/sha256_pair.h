// SHA-256 (FIPS 180-4) on the CPU's SHA extensions, with a paired update that hashes two
// independent streams in one interleaved loop.
//
// Why: a verified layer needs two sha256 streams, the blob's digest and the diff_id over the
// uncompressed tar, and on a two-core machine they are a third of all the CPU time of an
// analysis. One stream cannot go faster than the latency of the sha256rnds2 chain (about
// 1.7 GB/s here, OpenSSL's rate too), but two independent chains interleave in the same core:
// 2.5 GB/s for the pair. Only the blocks both streams have in hand at the same time are paired;
// the rest is hashed one stream at a time, so any split of the input gives the same digest.
//
// Available only where the CPU has the SHA extensions (sha_ni_available()); callers fall back
// to Hasher (OpenSSL) otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

#include "util/digest.h"

namespace layerscope {

bool sha_ni_available();

class Sha256 {
 public:
  Sha256();
  void update(const uint8_t* data, size_t n);
  Digest finish();  // may be called once
  uint64_t bytes() const { return total_; }

  // Hashes `a` into `x` and `b` into `y`, as x.update(a, na) and y.update(b, nb) would, pairing
  // the blocks of the two that line up. `x` and `y` must be different objects.
  static void update_pair(Sha256& x, const uint8_t* a, size_t na, Sha256& y, const uint8_t* b, size_t nb);

 private:
  // Feeds the partial block first; returns how many bytes of `data` that took.
  size_t top_up(const uint8_t* data, size_t n);
  void tail(const uint8_t* data, size_t n);  // n < 64: into the partial block
  void rest(const uint8_t* data, size_t n);  // after top_up(): whole blocks, then the tail

  uint32_t state_[8];
  uint8_t block_[64];
  size_t held_ = 0;  // bytes in block_
  uint64_t total_ = 0;
};

}  // namespace layerscope

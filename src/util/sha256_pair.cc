#include "util/sha256_pair.h"

#include <algorithm>
#include <cstring>

#include "layerscope/error.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace layerscope {

namespace {

constexpr uint32_t kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

#if defined(__x86_64__)

alignas(16) constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

// The SHA extensions keep the eight working variables as two vectors, ABEF and CDGH.
struct Lane {
  __m128i abef, cdgh;
};

__attribute__((target("sha,sse4.1"))) Lane load_lane(const uint32_t* s) {
  __m128i dcba = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s)), 0xB1);
  __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 4)), 0x1B);
  return {_mm_alignr_epi8(dcba, efgh, 8), _mm_blend_epi16(efgh, dcba, 0xF0)};
}

__attribute__((target("sha,sse4.1"))) void store_lane(uint32_t* s, Lane l) {
  __m128i feba = _mm_shuffle_epi32(l.abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(l.cdgh, 0xB1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(s), _mm_blend_epi16(feba, dchg, 0xF0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(s + 4), _mm_alignr_epi8(dchg, feba, 8));
}

// N lanes, `blocks` 64-byte blocks each, statements interleaved lane by lane so the
// independent sha256rnds2 chains overlap in the pipeline. Each group g covers rounds 4g..4g+3;
// the message schedule lives in four vectors, W[4g..4g+3] in m[g % 4] (sha256msg1/msg2 prepare
// the group three and one ahead).
template <int N>
__attribute__((target("sha,sse4.1"), always_inline)) inline void compress(Lane* lane, const uint8_t* const* data,
                                                                          size_t blocks) {
  const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  for (size_t b = 0; b < blocks; ++b) {
    __m128i m[N][4], saved_abef[N], saved_cdgh[N], msg[N];
    for (int l = 0; l < N; ++l) {
      saved_abef[l] = lane[l].abef;
      saved_cdgh[l] = lane[l].cdgh;
    }
#pragma GCC unroll 16
    for (int g = 0; g < 16; ++g) {
      const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kRound + 4 * g));
      for (int l = 0; l < N; ++l) {
        if (g < 4) {
          m[l][g] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data[l] + 64 * b + 16 * g)), swap);
        }
        msg[l] = _mm_add_epi32(m[l][g & 3], k);
        lane[l].cdgh = _mm_sha256rnds2_epu32(lane[l].cdgh, lane[l].abef, msg[l]);
      }
      for (int l = 0; l < N; ++l) {
        if (g >= 3 && g <= 14) {
          __m128i w = _mm_alignr_epi8(m[l][g & 3], m[l][(g + 3) & 3], 4);
          m[l][(g + 1) & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(m[l][(g + 1) & 3], w), m[l][g & 3]);
        }
        msg[l] = _mm_shuffle_epi32(msg[l], 0x0E);
        lane[l].abef = _mm_sha256rnds2_epu32(lane[l].abef, lane[l].cdgh, msg[l]);
        if (g >= 1 && g <= 12) m[l][(g + 3) & 3] = _mm_sha256msg1_epu32(m[l][(g + 3) & 3], m[l][g & 3]);
      }
    }
    for (int l = 0; l < N; ++l) {
      lane[l].abef = _mm_add_epi32(lane[l].abef, saved_abef[l]);
      lane[l].cdgh = _mm_add_epi32(lane[l].cdgh, saved_cdgh[l]);
    }
  }
}

__attribute__((target("sha,sse4.1"))) void blocks_x1(uint32_t* s, const uint8_t* data, size_t blocks) {
  Lane l = load_lane(s);
  const uint8_t* d[1] = {data};
  compress<1>(&l, d, blocks);
  store_lane(s, l);
}

__attribute__((target("sha,sse4.1"))) void blocks_x2(uint32_t* s1, const uint8_t* d1, uint32_t* s2, const uint8_t* d2,
                                                     size_t blocks) {
  Lane l[2] = {load_lane(s1), load_lane(s2)};
  const uint8_t* d[2] = {d1, d2};
  compress<2>(l, d, blocks);
  store_lane(s1, l[0]);
  store_lane(s2, l[1]);
}

#else

void blocks_x1(uint32_t*, const uint8_t*, size_t) {
  throw Error(ErrorKind::kInternal, "SHA extensions used on a CPU without them");
}
void blocks_x2(uint32_t*, const uint8_t*, uint32_t*, const uint8_t*, size_t) {
  throw Error(ErrorKind::kInternal, "SHA extensions used on a CPU without them");
}

#endif

}  // namespace

bool sha_ni_available() {
#if defined(__x86_64__)
  static const bool available = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
    bool sha = (b >> 29) & 1;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    bool sse41 = (c >> 19) & 1, ssse3 = (c >> 9) & 1;
    return sha && sse41 && ssse3;
  }();
  return available;
#else
  return false;
#endif
}

Sha256::Sha256() { std::memcpy(state_, kInitial, sizeof state_); }

size_t Sha256::top_up(const uint8_t* data, size_t n) {
  if (held_ == 0) return 0;
  size_t take = std::min(n, sizeof block_ - held_);
  std::memcpy(block_ + held_, data, take);
  held_ += take;
  if (held_ == sizeof block_) {
    blocks_x1(state_, block_, 1);
    held_ = 0;
  }
  return take;
}

void Sha256::tail(const uint8_t* data, size_t n) {
  std::memcpy(block_ + held_, data, n);
  held_ += n;
}

void Sha256::rest(const uint8_t* data, size_t n) {
  if (n == 0) return;  // held_ may be non-zero only when nothing is left
  if (size_t whole = n / 64) blocks_x1(state_, data, whole);
  tail(data + n / 64 * 64, n % 64);
}

void Sha256::update(const uint8_t* data, size_t n) {
  total_ += n;
  size_t used = top_up(data, n);
  rest(data + used, n - used);
}

void Sha256::update_pair(Sha256& x, const uint8_t* a, size_t na, Sha256& y, const uint8_t* b, size_t nb) {
  x.total_ += na;
  y.total_ += nb;
  size_t used = x.top_up(a, na);
  a += used;
  na -= used;
  used = y.top_up(b, nb);
  b += used;
  nb -= used;
  // A stream whose partial block is still not full has nothing left in this call (na or nb is 0).
  size_t together = std::min(na, nb) / 64;
  if (together) {
    blocks_x2(x.state_, a, y.state_, b, together);
    a += together * 64;
    na -= together * 64;
    b += together * 64;
    nb -= together * 64;
  }
  x.rest(a, na);
  y.rest(b, nb);
}

Digest Sha256::finish() {
  uint64_t bits = total_ * 8;
  uint8_t pad[72] = {0x80};
  size_t pad_len = (held_ < 56 ? 56 : 120) - held_;
  for (int i = 0; i < 8; ++i) pad[pad_len + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  uint64_t total = total_;
  update(pad, pad_len + 8);
  total_ = total;
  static const char* kHex = "0123456789abcdef";
  Digest d;
  d.algorithm = DigestAlgorithm::kSha256;
  d.hex.reserve(64);
  for (uint32_t word : state_) {
    for (int shift = 28; shift >= 0; shift -= 4) d.hex.push_back(kHex[(word >> shift) & 0xf]);
  }
  return d;
}

}  // namespace layerscope

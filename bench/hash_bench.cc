// The hashes every layer byte goes through: sha256 (the Hasher behind blob digests and
// diff_ids; sha512 for images that use it), the SHA-extension sha256 one stream at a time and
// two streams paired (a blob and its tar), and XXH3-128 (the ContentHasher of every regular
// file), over 1 MiB and, for the per-call overhead that small files pay, 4 KiB.
// tools/bench.sh reads BM_Sha256Paired's rate for its floor rows.
#include <benchmark/benchmark.h>

#include "synthetic.h"
#include "util/content_hash.h"
#include "util/digest.h"
#include "util/sha256_pair.h"

using namespace layerscope;

namespace {

void BM_Digest(benchmark::State& state, DigestAlgorithm algorithm) {
  const std::string& bytes = lsbench::mebibyte();
  size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    Hasher hasher(algorithm);
    hasher.update(bytes.data(), n);
    Digest digest = hasher.finish();
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK_CAPTURE(BM_Digest, sha256, DigestAlgorithm::kSha256)->Arg(4 << 10)->Arg(1 << 20);
BENCHMARK_CAPTURE(BM_Digest, sha512, DigestAlgorithm::kSha512)->Arg(4 << 10)->Arg(1 << 20);

void BM_Sha256Ni(benchmark::State& state) {
  if (!sha_ni_available()) return state.SkipWithError("no SHA extensions on this CPU");
  const auto* bytes = reinterpret_cast<const uint8_t*>(lsbench::mebibyte().data());
  size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    Sha256 h;
    h.update(bytes, n);
    Digest digest = h.finish();
    benchmark::DoNotOptimize(digest);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_Sha256Ni)->Arg(4 << 10)->Arg(1 << 20);

// Bytes of both streams together per second.
void BM_Sha256Paired(benchmark::State& state) {
  if (!sha_ni_available()) return state.SkipWithError("no SHA extensions on this CPU");
  const std::string& mib = lsbench::mebibyte();
  std::string other(mib.rbegin(), mib.rend());
  const auto* a = reinterpret_cast<const uint8_t*>(mib.data());
  const auto* b = reinterpret_cast<const uint8_t*>(other.data());
  size_t n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    Sha256 x, y;
    Sha256::update_pair(x, a, n, y, b, n);
    Digest dx = x.finish(), dy = y.finish();
    benchmark::DoNotOptimize(dx);
    benchmark::DoNotOptimize(dy);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * 2 * n));
}
BENCHMARK(BM_Sha256Paired)->Arg(4 << 10)->Arg(1 << 20);

void BM_ContentHash(benchmark::State& state) {
  const std::string& bytes = lsbench::mebibyte();
  size_t n = static_cast<size_t>(state.range(0));
  ContentHasher hasher;
  for (auto _ : state) {
    hasher.reset();
    hasher.update(bytes.data(), n);
    ContentHash hash = hasher.finish();
    benchmark::DoNotOptimize(hash);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * n));
}
BENCHMARK(BM_ContentHash)->Arg(4 << 10)->Arg(1 << 20);

}  // namespace

// The hashes every layer byte goes through: sha256 (the Hasher behind blob digests and
// diff_ids; sha512 for images that use it) and XXH3-128 (the ContentHasher of every regular
// file), over 1 MiB and, for the per-call overhead that small files pay, 4 KiB.
#include <benchmark/benchmark.h>

#include "synthetic.h"
#include "util/content_hash.h"
#include "util/digest.h"

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

// The tar reader over memory (headers only, and with every entry's data delivered), then
// index_layer end to end on the same tar: plain, gzip and zstd (compressed once at setup with
// zlib and libzstd) on one thread, and gzip through the three-stage pipeline the CLI uses when
// it has more than one job. Bytes are uncompressed tar bytes, items tar entries.
#include <benchmark/benchmark.h>

#include <optional>

#include "decode/byte_source.h"
#include "decode/tar_reader.h"
#include "layer/indexer.h"
#include "support/image_builder.h"
#include "synthetic.h"

using namespace layerscope;

namespace {

// MemorySource owns its bytes, so every iteration reads a fresh copy; making it (and freeing
// the previous one) is left out of the timing.
MemorySource& fresh_source(benchmark::State& state, std::optional<MemorySource>& src, const std::string& bytes) {
  state.PauseTiming();
  src.emplace(bytes);
  state.ResumeTiming();
  return *src;
}

void BM_TarReader(benchmark::State& state, bool with_data) {
  const std::string& tar = lsbench::layer_tar();
  std::optional<MemorySource> src;
  uint64_t entries = 0, data_bytes = 0;
  for (auto _ : state) {
    TarReader reader(fresh_source(state, src, tar), "synthetic tar");
    TarEntry entry;
    while (reader.next(entry)) {
      ++entries;
      if (with_data) reader.read_data([&](const uint8_t*, size_t n) { data_bytes += n; });
    }
  }
  benchmark::DoNotOptimize(data_bytes);
  state.SetLabel(std::to_string(tar.size()) + " tar bytes, " + std::to_string(entries / state.iterations()) + " entries");
  state.SetItemsProcessed(static_cast<int64_t>(entries));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * tar.size()));
}
BENCHMARK_CAPTURE(BM_TarReader, headers_only, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_TarReader, with_data, true)->Unit(benchmark::kMillisecond);

const std::string& layer_blob(Compression compression) {
  switch (compression) {
    case Compression::kGzip: {
      static const std::string gz = lstest::gzip(lsbench::layer_tar());
      return gz;
    }
    case Compression::kZstd: {
      static const std::string zst = lstest::zstd(lsbench::layer_tar());
      return zst;
    }
    case Compression::kNone: break;
  }
  return lsbench::layer_tar();
}

// Default IndexOptions: both sha256 digests, XXH3 of every file, the secret sniffer.
void BM_IndexLayer(benchmark::State& state, Compression compression, bool pipeline) {
  const std::string& blob = layer_blob(compression);
  IndexOptions options;
  options.pipeline = pipeline;
  std::optional<MemorySource> src;
  uint64_t entries = 0;
  for (auto _ : state) {
    LayerIndex index = index_layer(fresh_source(state, src, blob), "synthetic layer", options);
    entries += index.entry_count;
  }
  size_t tar_bytes = lsbench::layer_tar().size();
  state.SetItemsProcessed(static_cast<int64_t>(entries));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * tar_bytes));
  state.counters["ratio"] = static_cast<double>(tar_bytes) / static_cast<double>(blob.size());
}
BENCHMARK_CAPTURE(BM_IndexLayer, plain, Compression::kNone, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IndexLayer, gzip, Compression::kGzip, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IndexLayer, zstd, Compression::kZstd, false)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_IndexLayer, gzip_pipeline, Compression::kGzip, true)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

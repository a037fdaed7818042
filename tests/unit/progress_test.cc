// The ProgressObserver contract: every layer begins and ends exactly once, its reported
// bytes add up to its blob, bytes come in batches, phases pair up, cache hits read nothing,
// and watching never changes the analysis. Runs at -j1 and -j4 (tsan label: layer jobs
// report from several threads).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "layerscope/report.h"
#include "pipeline/progress_source.h"
#include "support/image_builder.h"

using namespace layerscope;

namespace {

class Recorder : public ProgressObserver {
 public:
  void phase_begin(const std::string& name) override {
    std::lock_guard lock(mu);
    events.push_back("+" + name);
  }
  void phase_end(const std::string& name, double seconds) override {
    std::lock_guard lock(mu);
    events.push_back("-" + name);
    EXPECT_GE(seconds, 0);
  }
  void layers_begin(size_t layers, std::optional<uint64_t> total) override {
    std::lock_guard lock(mu);
    announced = layers;
    announced_total = total;
  }
  void layer_begin(size_t index, const std::string& label, std::optional<uint64_t> size) override {
    std::lock_guard lock(mu);
    ++begun[index];
    labels[index] = label;
    sizes[index] = size;
  }
  void layer_bytes(size_t index, uint64_t delta) override {
    std::lock_guard lock(mu);
    bytes[index] += delta;
    batches[index].push_back(delta);
  }
  void layer_end(size_t index, const LayerStats& s) override {
    std::lock_guard lock(mu);
    ++ended[index];
    stats[index] = s;
  }

  std::mutex mu;
  std::vector<std::string> events;
  size_t announced = 0;
  std::optional<uint64_t> announced_total;
  std::map<size_t, int> begun, ended;
  std::map<size_t, std::string> labels;
  std::map<size_t, std::optional<uint64_t>> sizes;
  std::map<size_t, uint64_t> bytes;
  std::map<size_t, std::vector<uint64_t>> batches;
  std::map<size_t, LayerStats> stats;
};

// Three layers, one of them a plain blob over two batches (4 MiB each) long.
std::vector<lstest::LayerSpec> layers() {
  return {
      {lstest::TarBuilder().dir("etc").file("etc/passwd", "root\n").file("big", std::string(100000, 'b')).finish(), "gzip"},
      {lstest::TarBuilder().file("huge", std::string(9 << 20, 'h')).finish(), "none"},
      {lstest::TarBuilder().file("etc/passwd", "root\napp\n").whiteout("big").finish(), "zstd"},
  };
}

Analysis run(const lstest::OciImage& img, unsigned jobs, ProgressObserver* progress, LayerCache* cache = nullptr) {
  AnalyzeOptions o;
  o.jobs = jobs;
  o.progress = progress;
  o.cache = cache;
  return lstest::analyze_oci(img, o);
}

uint64_t blob_size(const lstest::OciImage& img, size_t i) {
  return *img.store.size_of("blobs/sha256/" + img.layer_digests[i].substr(7));
}

}  // namespace

class Progress : public ::testing::TestWithParam<unsigned> {};

TEST_P(Progress, EveryLayerOnceWithItsBlobBytes) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Recorder r;
  Analysis a = run(img, GetParam(), &r);
  ASSERT_EQ(a.layers.size(), 3u);
  EXPECT_EQ(r.announced, 3u);
  uint64_t total = 0;
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("layer " + std::to_string(i));
    uint64_t size = blob_size(img, i);
    total += size;
    EXPECT_EQ(r.begun[i], 1);
    EXPECT_EQ(r.ended[i], 1);
    EXPECT_EQ(r.sizes[i], size);
    EXPECT_EQ(r.labels[i].rfind("layer " + std::to_string(i) + " sha256:", 0), 0u) << r.labels[i];
    EXPECT_EQ(r.bytes[i], size);
    EXPECT_EQ(r.stats[i].compressed_bytes, size);
    EXPECT_EQ(r.stats[i].tar_bytes, a.layers[i].tar_bytes);
    EXPECT_EQ(r.stats[i].compression, a.layers[i].compression);
    EXPECT_EQ(r.stats[i].digest, a.layers[i].digest);
    EXPECT_FALSE(r.stats[i].from_cache);
    EXPECT_GE(r.stats[i].seconds, 0);
    // Batches, not reads: every report but the last carries at least a batch.
    const auto& b = r.batches[i];
    for (size_t k = 0; k + 1 < b.size(); ++k) EXPECT_GE(b[k], kProgressBatchBytes);
  }
  EXPECT_EQ(r.announced_total, total);
  EXPECT_EQ(r.begun.size(), 3u);
  EXPECT_EQ(r.ended.size(), 3u);
  // 9 MiB and a bit: two batches and the rest (or one batch if reads came in big chunks).
  EXPECT_GE(r.batches[1].size(), 2u);
  EXPECT_LE(r.batches[1].size(), 3u);
}

TEST_P(Progress, PhasesPairUpInOrder) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Recorder r;
  run(img, GetParam(), &r);
  std::vector<std::string> want;
  // dive's efficiency walk runs beside the merge and is collected last (see analyze.cc).
  for (const char* p : {"config", "index", "merge", "summaries", "attribution", "findings", "efficiency"}) {
    want.push_back(std::string("+") + p);
    want.push_back(std::string("-") + p);
  }
  EXPECT_EQ(r.events, want);
}

TEST_P(Progress, CacheHitsReadNoBytes) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  MemoryLayerCache cache;
  Recorder first, second;
  run(img, GetParam(), &first, &cache);
  run(img, GetParam(), &second, &cache);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(first.stats[i].from_cache);
    EXPECT_TRUE(second.stats[i].from_cache);
    EXPECT_EQ(second.ended[i], 1);
    EXPECT_EQ(second.stats[i].compressed_bytes, blob_size(img, i));
  }
  EXPECT_TRUE(second.bytes.empty());
}

TEST_P(Progress, WatchingDoesNotChangeTheReport) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Recorder r;
  EXPECT_EQ(render_json(run(img, GetParam(), nullptr)), render_json(run(img, GetParam(), &r)));
}

INSTANTIATE_TEST_SUITE_P(Jobs, Progress, ::testing::Values(1u, 4u));

TEST(ProgressSource, ReportsInBatchesAndFlushesTheRest) {
  MemorySource inner(std::string((10 << 20) + 5, 'x'));
  std::vector<uint64_t> reports;
  ProgressSource counted(inner, [&](uint64_t d) { reports.push_back(d); });
  std::vector<uint8_t> buf(1 << 20);
  uint64_t total = counted.skip(3);
  while (size_t n = counted.read(buf.data(), buf.size())) total += n;
  counted.flush();
  counted.flush();  // nothing more to report
  EXPECT_EQ(total, (10u << 20) + 5);
  ASSERT_EQ(reports.size(), 3u);
  EXPECT_EQ(reports[0] + reports[1] + reports[2], total);
  EXPECT_GE(reports[0], kProgressBatchBytes);
  EXPECT_GE(reports[1], kProgressBatchBytes);
}

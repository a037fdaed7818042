#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "layerscope/error.h"
#include "layerscope/progress.h"
#include "layerscope/report.h"
#include "pipeline/analyze_opened.h"
#include "pipeline/layer_jobs.h"
#include "decode/stage_buffers.h"
#include "source/memory_store.h"
#include "support/image_builder.h"
#include "support/invariants.h"

using namespace layerscope;

namespace {

Analysis run(lstest::OciImage& img, unsigned jobs = 2, bool verify = true) {
  OpenedImage opened;
  opened.store = std::make_unique<MemoryStore>(std::move(img.store));
  opened.resolved = resolve_oci_layout(*opened.store, {});
  AnalyzeOptions o;
  o.jobs = jobs;
  o.verify = verify;
  StreamedLayers none;
  return analyze_opened(opened, none, o);
}

std::vector<lstest::LayerSpec> three_layers() {
  return {
      {lstest::TarBuilder().dir("etc").file("etc/passwd", "root\n").file("big", std::string(100000, 'b')).finish(), "gzip"},
      {lstest::TarBuilder().file("etc/passwd", "root\napp\n").whiteout("big").finish(), "zstd"},
      {lstest::TarBuilder().file("app/main.py", "print(1)\n").finish(true), "none"},
  };
}

}  // namespace

TEST(Pipeline, ComputesLayerFiguresAndTotals) {
  lstest::OciImage img;
  lstest::build_oci(img, three_layers(), "\"User\":\"app\"");
  Analysis a = run(img);
  lstest::expect_accounting(a);
  ASSERT_EQ(a.layers.size(), 3u);
  EXPECT_EQ(a.layers[0].compression, Compression::kGzip);
  EXPECT_EQ(a.layers[1].compression, Compression::kZstd);
  EXPECT_EQ(a.layers[2].compression, Compression::kNone);
  EXPECT_EQ(a.layers[1].deleted.bytes, 100000u);
  EXPECT_EQ(a.layers[1].modified.files, 1u);
  EXPECT_EQ(a.totals.files, 2u);
  EXPECT_EQ(a.totals.final_bytes, 9u + 9u);
  EXPECT_EQ(a.totals.content_bytes, 5u + 100000u + 9u + 9u);
  EXPECT_TRUE(a.layers[0].verified);
  EXPECT_EQ(a.image.config.user, "app");
}

TEST(Pipeline, OutputIsIdenticalAtAnyJobCount) {
  lstest::OciImage a1, a2;
  lstest::build_oci(a1, three_layers());
  lstest::build_oci(a2, three_layers());
  EXPECT_EQ(render_json(run(a1, 1)), render_json(run(a2, 8)));
}

TEST(Pipeline, BlobDigestMismatchNamesTheLayer) {
  lstest::OciImage img;
  lstest::build_oci(img, three_layers());
  // Replace layer 1's bytes while keeping its name: the content no longer matches.
  std::string path = "blobs/sha256/" + img.layer_digests[1].substr(7);
  std::string other = lstest::zstd(lstest::TarBuilder().file("etc/passwd", "root\nevil\n").finish());
  img.store.put(path, other);
  try {
    run(img);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kDigest);
    EXPECT_EQ(exit_code_for(e.kind()), 3);
    EXPECT_EQ(e.text().rfind("layer 1 sha256:", 0), 0u) << e.text();
  }
}

// Several workers start the largest blobs first, so a big layer late in the image does not
// run alone at the end; one worker keeps the image's order. Unknown sizes go last.
TEST(Pipeline, LayerJobsStartWithTheLargestBlobs) {
  std::vector<std::optional<uint64_t>> sizes = {10, std::nullopt, 300, 300, 50};
  EXPECT_EQ(layer_job_order(sizes, 2), (std::vector<size_t>{2, 3, 4, 0, 1}));
  EXPECT_EQ(layer_job_order(sizes, 8), (std::vector<size_t>{2, 3, 4, 0, 1}));
  EXPECT_EQ(layer_job_order(sizes, 1), (std::vector<size_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(layer_job_order({}, 2).empty());
}

// The pipeline runs its jobs in that order: at -j2 the two largest layers (the last two here)
// begin first. The observer holds each of the first two jobs until both have begun, so a
// third job cannot start before them whatever the threads' timing.
TEST(Pipeline, TheTwoLargestLayersBeginFirstAtJ2) {
  struct FirstTwo : ProgressObserver {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<size_t> begun;
    void layer_begin(size_t index, const std::string&, std::optional<uint64_t>) override {
      std::unique_lock<std::mutex> lock(mu);
      begun.push_back(index);
      cv.notify_all();
      cv.wait_for(lock, std::chrono::seconds(10), [&] { return begun.size() >= 2; });
    }
  } observer;
  std::vector<lstest::LayerSpec> layers = {
      {lstest::TarBuilder().file("a", "a").finish(), "none"},
      {lstest::TarBuilder().file("b", "b").finish(), "none"},
      {lstest::TarBuilder().file("c", std::string(300000, 'c')).finish(), "none"},
      {lstest::TarBuilder().file("d", std::string(100000, 'd')).finish(), "none"},
  };
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  AnalyzeOptions o;
  o.jobs = 2;
  o.progress = &observer;
  lstest::analyze_oci(img, o);
  ASSERT_EQ(observer.begun.size(), 4u);
  std::vector<size_t> first(observer.begun.begin(), observer.begun.begin() + 2);
  std::sort(first.begin(), first.end());
  EXPECT_EQ(first, (std::vector<size_t>{2, 3}));
}

// Whatever order the jobs ran in, the error reported is the lowest failing layer's: here
// layer 2 is the largest blob, so it is indexed first at -j2, and it fails too.
TEST(Pipeline, FirstFailingLayerIsReportedWhateverTheJobOrder) {
  for (unsigned jobs : {1u, 2u, 4u}) {
    lstest::OciImage img;
    std::vector<lstest::LayerSpec> layers = {
        {lstest::TarBuilder().file("a", "a").finish(), "gzip"},
        {lstest::TarBuilder().file("b", "b").finish(), "gzip"},
        {lstest::TarBuilder().file("c", std::string(400000, 'c')).file("d", std::string(200000, 'd')).finish(), "zstd"},
    };
    lstest::build_oci(img, layers);
    for (size_t l : {size_t{1}, size_t{2}}) {
      std::string path = "blobs/sha256/" + img.layer_digests[l].substr(7);
      std::string bytes = img.store.read_small(path);
      bytes[bytes.size() / 2] ^= 0x5a;
      img.store.put(path, bytes);
    }
    try {
      run(img, jobs);
      FAIL() << "-j" << jobs;
    } catch (const Error& e) {
      EXPECT_EQ(e.text().rfind("layer 1 sha256:", 0), 0u) << "-j" << jobs << ": " << e.text();
    }
  }
}

TEST(Pipeline, NoVerifySkipsDigestChecks) {
  lstest::OciImage img;
  lstest::build_oci(img, three_layers());
  std::string path = "blobs/sha256/" + img.layer_digests[2].substr(7);
  std::string tampered = lstest::TarBuilder().file("app/main.py", "print(2)\n").finish(true);
  img.store.put(path, tampered);
  Analysis a = run(img, 2, false);
  EXPECT_FALSE(a.layers[2].verified);
}

TEST(Pipeline, UnknownMediaTypeIsRefused) {
  auto layers = three_layers();
  layers[0].media_type = "application/vnd.example.unknown";
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  try {
    run(img);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnsupported);
    EXPECT_NE(e.text().find("layer 0"), std::string::npos);
  }
}

TEST(Pipeline, MissingBlobIsNotFound) {
  lstest::OciImage img;
  lstest::build_oci(img, three_layers());
  lstest::OciImage copy;
  // Rebuild the store without layer 2's blob.
  MemoryStore pruned;
  for (const auto& f : {std::string("index.json"), std::string("oci-layout")}) pruned.put(f, img.store.read_small(f));
  for (const auto& d : {img.manifest_digest, img.config_digest, img.layer_digests[0], img.layer_digests[1]}) {
    pruned.put("blobs/sha256/" + d.substr(7), img.store.read_small("blobs/sha256/" + d.substr(7)));
  }
  img.store = std::move(pruned);
  EXPECT_THROW(run(img), Error);
}

TEST(Pipeline, MediaTypeThatDisagreesWithTheBytesIsADiagnostic) {
  auto layers = three_layers();
  layers[2].media_type = "application/vnd.oci.image.layer.v1.tar+gzip";  // but it is plain
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  Analysis a = run(img);
  bool found = false;
  for (const auto& d : a.diagnostics) found |= d.code == "media-type-mismatch" && d.layer == 2;
  EXPECT_TRUE(found);
}

// The layer jobs empty the stage-buffer pool when they are done, so the merge and the
// report do not carry the rings on top of their own peak.
TEST(Pipeline, StageBuffersAreReleasedAfterTheLayerJobs) {
  std::vector<lstest::LayerSpec> layers = {
      {lstest::TarBuilder().file("a", std::string(3'000'000, 'a')).finish(), "gzip"},
      {lstest::TarBuilder().file("b", std::string(2'000'000, 'b')).finish(), "zstd"},
  };
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  Analysis a = run(img, 2);
  EXPECT_EQ(a.layers.size(), 2u);
  EXPECT_EQ(pooled_stage_buffers(), 0u);
}

TEST(Pipeline, CompressedEstimatesAddUpToEachBlob) {
  // Big enough for many checkpoints, with files of very different compressibility.
  std::string noise;
  uint64_t x = 88172645463325252ull;  // xorshift64: incompressible
  for (int i = 0; i < 400000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    noise.push_back(static_cast<char>(x >> 56));
  }
  std::vector<lstest::LayerSpec> layers = {
      {lstest::TarBuilder().file("zeros", std::string(2000000, '\0')).file("noise", noise).finish(), "gzip"},
      {lstest::TarBuilder().file("noise2", noise).file("text", std::string(300000, 'x')).finish(), "zstd"},
  };
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  Analysis a = run(img, 2);
  lstest::expect_accounting(a);
  // The incompressible file must carry most of its layer's compressed bytes.
  const auto& e0 = a.indexes[0].entries;
  ASSERT_EQ(e0.size(), 2u);
  EXPECT_GT(e0[1].compressed_est, e0[0].compressed_est * 10);
  EXPECT_GT(e0[1].compressed_est, a.layers[0].compressed_bytes / 2)
      << e0[0].compressed_est << " " << e0[1].compressed_est << " " << a.layers[0].compressed_bytes;
}

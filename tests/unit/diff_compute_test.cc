// diff_analyses / diff_opened over images built in memory: exact directory and file deltas,
// self-diff, the shared layer cache, the findings hook, the budget and the renderers.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>

#include "layerscope/diff.h"
#include "pipeline/analyze_opened.h"
#include "pipeline/diff_opened.h"
#include "source/memory_store.h"
#include "support/image_builder.h"
#include "support/invariants.h"

using namespace layerscope;

namespace {

std::string base_tar() {
  return lstest::TarBuilder()
      .dir("etc")
      .file("etc/os-release", std::string(100, 'o'))
      .dir("usr/lib")
      .file("usr/lib/libc.so", std::string(5000, 'c'))
      .file("usr/lib/libz.so", std::string(700, 'z'))
      .finish();
}

std::vector<lstest::LayerSpec> old_layers() {
  return {
      {base_tar(), "gzip", "", "/bin/sh -c #(nop) ADD file:base in /"},
      {lstest::TarBuilder()
           .file("app/main.py", std::string(100, 'm'))
           .file("app/data/x.bin", std::string(500, 'x'))
           .file("app/same.txt", std::string(40, 's'))
           .file("app/edit.txt", std::string(30, 'e'))
           .finish(),
       "gzip", "", "COPY . /app # buildkit"},
  };
}

std::vector<lstest::LayerSpec> new_layers() {
  return {
      {base_tar(), "gzip", "", "/bin/sh -c #(nop) ADD file:base in /"},
      {lstest::TarBuilder()
           .file("app/main.py", std::string(150, 'm'))
           .file("app/data/y.bin", std::string(2000, 'y'))
           .file("app/same.txt", std::string(40, 's'))
           .file("app/edit.txt", std::string(30, 'E'))
           .finish(),
       "gzip", "", "COPY . /app # buildkit"},
      {lstest::TarBuilder()
           .file("usr/lib/python3/site-packages/torch/lib.so", std::string(10000, 't'))
           .file("usr/lib/python3/site-packages/numpy/core.so", std::string(1000, 'n'))
           .whiteout("usr/lib/libz.so")
           .finish(),
       "zstd", "", "RUN pip install torch numpy # buildkit"},
  };
}

struct Side {
  OpenedImage opened;
  StreamedLayers streamed;
};

std::unique_ptr<Side> open_side(const std::vector<lstest::LayerSpec>& layers) {
  lstest::OciImage img;
  lstest::build_oci(img, layers);
  auto s = std::make_unique<Side>();
  s->opened.store = std::make_unique<MemoryStore>(std::move(img.store));
  s->opened.resolved = resolve_oci_layout(*s->opened.store, {});
  return s;
}

Analysis analyse(const std::vector<lstest::LayerSpec>& layers) {
  auto s = open_side(layers);
  AnalyzeOptions o;
  o.jobs = 2;
  return analyze_opened(s->opened, s->streamed, o);
}

const DirDeltaNode* find_dir(const DirDeltaNode& n, const std::string& path) {
  if (n.path == path) return &n;
  for (const auto& c : n.children) {
    if (auto* f = find_dir(c, path)) return f;
  }
  return nullptr;
}

class CountingCache : public LayerCache {
 public:
  std::optional<LayerIndex> get(const std::string& key) override {
    auto v = inner.get(key);
    (v ? hits : misses)++;
    return v;
  }
  void put(const std::string& key, const LayerIndex& index) override {
    ++puts;
    inner.put(key, index);
  }
  MemoryLayerCache inner;
  std::atomic<int> hits{0}, misses{0}, puts{0};
};

}  // namespace

TEST(Diff, TotalsAreTheDifferenceOfTheAnalyses) {
  Analysis a = analyse(old_layers());
  Analysis b = analyse(new_layers());
  lstest::expect_accounting(a);
  lstest::expect_accounting(b);
  ImageDiff d = diff_analyses(a, b);
  EXPECT_EQ(d.delta.content_bytes, int64_t(b.totals.content_bytes) - int64_t(a.totals.content_bytes));
  EXPECT_EQ(d.delta.compressed_bytes, int64_t(b.totals.compressed_bytes) - int64_t(a.totals.compressed_bytes));
  EXPECT_EQ(d.delta.final_bytes, int64_t(b.totals.final_bytes) - int64_t(a.totals.final_bytes));
  EXPECT_EQ(d.delta.tar_bytes, int64_t(b.totals.tar_bytes) - int64_t(a.totals.tar_bytes));
  EXPECT_EQ(d.delta.files, int64_t(b.totals.files) - int64_t(a.totals.files));
  EXPECT_EQ(d.delta.layers, 1);
  EXPECT_EQ(d.root.delta, d.delta.final_bytes);
}

TEST(Diff, LayersMatchedByDiffIdAndPairedByInstruction) {
  ImageDiff d = diff_analyses(analyse(old_layers()), analyse(new_layers()));
  ASSERT_EQ(d.layers.size(), 3u);
  EXPECT_EQ(d.shared_layers, 1u);
  EXPECT_EQ(d.layers[0].change, LayerChangeKind::kUnchanged);
  EXPECT_EQ(d.layers[0].content_delta, 0);
  EXPECT_EQ(d.layers[1].change, LayerChangeKind::kChanged);
  EXPECT_EQ(d.layers[1].old_index, 1);
  EXPECT_EQ(d.layers[1].new_index, 1);
  EXPECT_EQ(d.layers[1].content_delta, (150 + 2000 + 40 + 30) - (100 + 500 + 40 + 30));
  EXPECT_EQ(d.layers[2].change, LayerChangeKind::kAdded);
  EXPECT_EQ(d.layers[2].new_instruction, "RUN pip install torch numpy");
  EXPECT_EQ(d.layers[2].content_delta, 11000);
  ASSERT_FALSE(d.layers[2].dirs.empty());
  EXPECT_EQ(d.layers[2].dirs[0].path, "/usr/lib/python3/site-packages/torch");
  EXPECT_EQ(d.layers[2].dirs[0].delta, 10000);
  // Per instruction: the COPY grew, the RUN is new.
  ASSERT_EQ(d.instructions.size(), 2u);
  EXPECT_EQ(d.instructions[0].instruction, "RUN pip install torch numpy");
  EXPECT_EQ(d.instructions[0].content_delta, 11000);
  EXPECT_EQ(d.instructions[1].instruction, "COPY . /app");
  EXPECT_EQ(d.instructions[1].content_delta, 1550);
}

TEST(Diff, EveryChangedDirectoryWithExactDeltas) {
  ImageDiff d = diff_analyses(analyse(old_layers()), analyse(new_layers()));
  struct Want {
    const char* path;
    uint64_t old_bytes, new_bytes;
  };
  // Final trees: OLD has libc 5000 + libz 700 + os-release 100 + app 670; NEW drops libz and
  // adds torch and numpy under usr/lib/python3.
  const Want want[] = {
      {"/", 100 + 5000 + 700 + 670, 100 + 5000 + 2220 + 11000},
      {"/usr", 5700, 16000},
      {"/usr/lib", 5700, 16000},
      {"/usr/lib/python3", 0, 11000},
      {"/usr/lib/python3/site-packages", 0, 11000},
      {"/usr/lib/python3/site-packages/torch", 0, 10000},
      {"/usr/lib/python3/site-packages/numpy", 0, 1000},
      {"/app", 670, 2220},
      {"/app/data", 500, 2000},
  };
  for (const auto& w : want) {
    const DirDeltaNode* n = find_dir(d.root, w.path);
    ASSERT_NE(n, nullptr) << w.path;
    EXPECT_EQ(n->old_bytes, w.old_bytes) << w.path;
    EXPECT_EQ(n->new_bytes, w.new_bytes) << w.path;
    EXPECT_EQ(n->delta, int64_t(w.new_bytes) - int64_t(w.old_bytes)) << w.path;
  }
  EXPECT_EQ(find_dir(d.root, "/etc"), nullptr);  // nothing below changed
  // Largest change first.
  ASSERT_EQ(d.root.children.size(), 2u);
  EXPECT_EQ(d.root.children[0].path, "/usr");
  EXPECT_EQ(d.root.children[1].path, "/app");
  ASSERT_FALSE(d.focus.empty());
  EXPECT_EQ(d.focus[0].path, "/usr/lib/python3/site-packages/torch");
}

TEST(Diff, FilesAddedRemovedGrownShrunkModified) {
  ImageDiff d = diff_analyses(analyse(old_layers()), analyse(new_layers()));
  std::map<std::string, FileDelta> by_path;
  for (const auto& f : d.files) by_path[f.path] = f;
  ASSERT_EQ(d.files.size(), 7u);
  EXPECT_EQ(by_path["/usr/lib/python3/site-packages/torch/lib.so"].change, FileChangeKind::kAdded);
  EXPECT_EQ(by_path["/usr/lib/python3/site-packages/torch/lib.so"].new_layer, 2);
  EXPECT_EQ(by_path["/app/data/y.bin"].change, FileChangeKind::kAdded);
  EXPECT_EQ(by_path["/app/data/x.bin"].change, FileChangeKind::kRemoved);
  EXPECT_EQ(by_path["/app/data/x.bin"].delta, -500);
  EXPECT_EQ(by_path["/usr/lib/libz.so"].change, FileChangeKind::kRemoved);
  EXPECT_EQ(by_path["/app/main.py"].change, FileChangeKind::kGrown);
  EXPECT_EQ(by_path["/app/main.py"].delta, 50);
  EXPECT_EQ(by_path["/app/edit.txt"].change, FileChangeKind::kModified);
  EXPECT_EQ(by_path["/app/edit.txt"].delta, 0);
  EXPECT_EQ(by_path.count("/app/same.txt"), 0u);
  EXPECT_EQ(d.files[0].path, "/usr/lib/python3/site-packages/torch/lib.so");  // largest first
  EXPECT_EQ(d.file_totals.added.files, 3u);
  EXPECT_EQ(d.file_totals.added.bytes, 13000);
  EXPECT_EQ(d.file_totals.removed.files, 2u);
  EXPECT_EQ(d.file_totals.removed.bytes, -1200);
  EXPECT_EQ(d.file_totals.modified.files, 1u);
  const DirDeltaNode* app = find_dir(d.root, "/app");
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->changed_files, 4u);  // main.py, edit.txt, x.bin, y.bin
}

TEST(Diff, LayersNameTheirDockerfileLines) {
  Analysis a = analyse(old_layers());
  Analysis b = analyse(new_layers());
  b.layers[1].dockerfile_line = 9;
  b.layers[2].dockerfile_line = 6;
  b.layers[2].dockerfile_last_line = 8;
  ImageDiff d = diff_analyses(a, b);
  EXPECT_EQ(d.layers[0].source, "");
  EXPECT_EQ(d.layers[1].source, "Dockerfile:9");
  EXPECT_EQ(d.layers[2].source, "Dockerfile:6-8");
  std::string md = render_diff_markdown(d, {});
  EXPECT_NE(md.find("from `RUN pip install torch numpy` at Dockerfile:6-8, mostly"), std::string::npos) << md;
  // A layer only OLD has is located in OLD's Dockerfile.
  a.layers[1].dockerfile_line = 4;
  ImageDiff back = diff_analyses(b, a);
  EXPECT_EQ(back.layers[2].change, LayerChangeKind::kRemoved);
  EXPECT_EQ(back.layers[2].source, "OLD Dockerfile:6-8");
}

TEST(Diff, ImageWithItselfIsAllZeros) {
  Analysis a = analyse(new_layers());
  ImageDiff d = diff_analyses(a, analyse(new_layers()));
  EXPECT_EQ(d.delta.content_bytes, 0);
  EXPECT_EQ(d.delta.compressed_bytes, 0);
  EXPECT_EQ(d.delta.final_bytes, 0);
  EXPECT_EQ(d.delta.tar_bytes, 0);
  EXPECT_EQ(d.delta.files, 0);
  EXPECT_EQ(d.delta.layers, 0);
  EXPECT_EQ(d.shared_layers, a.layers.size());
  for (const auto& l : d.layers) EXPECT_EQ(l.change, LayerChangeKind::kUnchanged);
  EXPECT_TRUE(d.instructions.empty());
  EXPECT_TRUE(d.files.empty());
  EXPECT_TRUE(d.root.children.empty());
  EXPECT_EQ(d.root.delta, 0);
  EXPECT_TRUE(d.focus.empty());
}

TEST(Diff, SharedLayersComeFromTheCache) {
  auto o = open_side(old_layers());
  auto n = open_side(new_layers());
  CountingCache cache;
  DiffRequest req;
  req.old_image.jobs = 2;
  req.new_image.jobs = 2;
  req.cache = &cache;
  DiffRun run = diff_opened({&o->opened, &o->streamed}, {&n->opened, &n->streamed}, req);
  // OLD: 2 misses, 2 puts. NEW: the base layer hits; the other two are read and put.
  EXPECT_EQ(cache.hits.load(), 1);
  EXPECT_EQ(cache.misses.load(), 4);
  EXPECT_EQ(cache.puts.load(), 4);
  EXPECT_EQ(run.layers_from_cache, 1u);
  EXPECT_EQ(run.layers_indexed, 4u);
  EXPECT_EQ(run.diff.shared_layers, 1u);
  lstest::expect_accounting(run.new_analysis);
  EXPECT_EQ(run.new_analysis.layers[0].content_bytes, run.old_analysis.layers[0].content_bytes);
}

TEST(Diff, FindingsOfBothImagesAreCompared) {
  Analysis a = analyse(old_layers());
  Analysis b = analyse(new_layers());
  ImageDiff d = diff_analyses(a, b);
  EXPECT_TRUE(d.findings_compared);
  // Whatever the rules found, the diff is the set difference of the two lists.
  auto ra = finding_refs(a.findings), rb = finding_refs(b.findings);
  auto has = [](const std::vector<FindingRef>& v, const FindingRef& f) {
    return std::any_of(v.begin(), v.end(), [&](const FindingRef& g) { return g.rule == f.rule && g.path == f.path; });
  };
  for (const auto& f : d.findings_appeared) EXPECT_TRUE(has(rb, f) && !has(ra, f)) << f.rule << " " << f.path;
  for (const auto& f : d.findings_disappeared) EXPECT_TRUE(has(ra, f) && !has(rb, f)) << f.rule << " " << f.path;
  for (const auto& f : rb) EXPECT_EQ(has(ra, f), !has(d.findings_appeared, f)) << f.rule << " " << f.path;
}

TEST(Diff, FindingRefsUseTheCommonDirectory) {
  Finding one, many, none;
  one.rule = "secret-file";
  one.bytes = 10;
  one.paths = {{"/app/.env", 10, 1, ""}};
  many.rule = "tests";
  many.bytes = 30;
  many.paths = {{"/app/tests/a.py", 10, 1, ""}, {"/app/tests/fixtures/b.json", 10, 1, ""}, {"/app/tests-old/c", 10, 1, ""}};
  none.rule = "no-user";
  auto refs = finding_refs({one, many, none});
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[0].path, "/app/.env");
  EXPECT_EQ(refs[1].path, "/app");
  EXPECT_EQ(refs[1].bytes, 30u);
  EXPECT_EQ(refs[2].path, "");
  many.paths.pop_back();
  EXPECT_EQ(finding_refs({many})[0].path, "/app/tests");
  many.paths = {{"/usr/bin/gcc", 1, 1, ""}, {"/var/cache/x", 1, 1, ""}};
  EXPECT_EQ(finding_refs({many})[0].path, "/");
}

TEST(Diff, FindingsHookAndBudget) {
  ImageDiff d = diff_analyses(analyse(old_layers()), analyse(new_layers()));
  compare_findings(d, {{"apt-lists", "/var/lib/apt/lists", 100}, {"secret", "/app/.env", 10}},
                   {{"secret", "/app/.env", 10}, {"pip-cache", "/root/.cache/pip", 5000}});
  EXPECT_TRUE(d.findings_compared);
  ASSERT_EQ(d.findings_appeared.size(), 1u);
  EXPECT_EQ(d.findings_appeared[0].rule, "pip-cache");
  ASSERT_EQ(d.findings_disappeared.size(), 1u);
  EXPECT_EQ(d.findings_disappeared[0].rule, "apt-lists");

  apply_budget(d, 1000);
  ASSERT_TRUE(d.budget);
  EXPECT_TRUE(d.budget->exceeded);
  EXPECT_EQ(d.budget->content_bytes, d.new_image.totals.content_bytes);
  apply_budget(d, d.new_image.totals.content_bytes);
  EXPECT_FALSE(d.budget->exceeded);  // at the budget is within it
}

TEST(Diff, RenderersAgree) {
  ImageDiff d = diff_analyses(analyse(old_layers()), analyse(new_layers()));
  DiffRenderOptions ro;
  ro.depth = 0;
  ro.max_files = 0;
  auto j = nlohmann::json::parse(render_diff_json(d, ro));
  EXPECT_EQ(j["kind"], "diff");
  EXPECT_EQ(j["delta"]["content_bytes"].get<int64_t>(), d.delta.content_bytes);
  EXPECT_EQ(j["delta"]["final_bytes"].get<int64_t>(), d.delta.final_bytes);
  EXPECT_EQ(j["old"]["content_bytes"].get<uint64_t>(), d.old_image.totals.content_bytes);
  EXPECT_EQ(j["new"]["compressed_bytes"].get<uint64_t>(), d.new_image.totals.compressed_bytes);
  EXPECT_EQ(j["files"]["list"].size(), d.files.size());
  EXPECT_EQ(j["layers"][2]["change"], "added");
  EXPECT_TRUE(j["budget"].is_null());
  // The depth cut applies to the JSON tree too.
  ro.depth = 1;
  auto shallow = nlohmann::json::parse(render_diff_json(d, ro));
  EXPECT_FALSE(shallow["directories"]["children"].empty());
  EXPECT_TRUE(shallow["directories"]["children"][0]["children"].empty());

  std::string md = render_diff_markdown(d, ro);
  EXPECT_NE(md.find("**+12.6 kB** content (+194.0%; pull +"), std::string::npos) << md;
  EXPECT_NE(md.find("11.0 kB of it from `RUN pip install torch numpy` in layer 2, mostly `site-packages/torch`"),
            std::string::npos)
      << md;
  std::string text = render_diff_text(d, ro);
  EXPECT_NE(text.find("Layers (1 shared by diff_id"), std::string::npos) << text;
  EXPECT_EQ(text.find(" \n"), std::string::npos) << "trailing spaces";
  // Deterministic.
  EXPECT_EQ(render_diff_json(d, ro), render_diff_json(diff_analyses(analyse(old_layers()), analyse(new_layers())), ro));
}

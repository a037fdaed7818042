// Bytes per directory: children add up to their parent exactly, on every directory of the
// final tree and of each layer, and the roots equal the layer and final totals.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "attrib/dir_sizes.h"
#include "layerscope/error.h"
#include "layerscope/report.h"
#include "report/du_report.h"
#include "support/image_builder.h"
#include "support/invariants.h"

using namespace layerscope;

namespace {

Analysis run(lstest::OciImage& img, const std::string& dockerfile = "") {
  AnalyzeOptions o;
  o.jobs = 2;
  o.dockerfile = dockerfile;
  return lstest::analyze_oci(img, o);
}

std::vector<lstest::LayerSpec> layers() {
  lstest::LayerSpec base{lstest::TarBuilder()
                             .dir("etc")
                             .file("etc/passwd", "root:x:0:0\n")
                             .file("usr/lib/libc.so", std::string(5000, 'c'))
                             .file("usr/lib/x/deep/a.bin", std::string(300, 'a'))
                             .file("usr/bin/sh", std::string(700, 's'))
                             .symlink("bin", "usr/bin")
                             .dir("tmp")
                             .finish(),
                         "gzip"};
  base.created_by = "/bin/sh -c #(nop) ADD file:0123abcd in / ";
  lstest::LayerSpec app{lstest::TarBuilder()
                            .file("app/main.py", "print(1)\n")
                            .file("app/main.py", "print(2)\n")  // written twice: the tar ships both
                            .hardlink("app/link.py", "app/main.py")
                            .file("usr/lib/libc.so", std::string(6000, 'C'))
                            .whiteout("usr/lib/x")
                            .finish(),
                        "zstd"};
  app.created_by = "RUN /bin/sh -c make app # buildkit";
  return {base, app};
}

void expect_children_add_up(const DirSize& d, const std::string& path) {
  uint64_t bytes = d.own_bytes, files = d.own_files;
  for (size_t i = 0; i < d.children.size(); ++i) {
    if (i) EXPECT_LT(d.children[i - 1].name, d.children[i].name) << path;
    expect_children_add_up(d.children[i], path + "/" + d.children[i].name);
    bytes += d.children[i].bytes;
    files += d.children[i].files;
  }
  EXPECT_EQ(d.bytes, bytes) << path;
  EXPECT_EQ(d.files, files) << path;
}

}  // namespace

TEST(DirSizes, ChildrenAddUpToParentsEverywhere) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Analysis a = run(img);
  lstest::expect_accounting(a);

  DirSize final_tree = final_dir_sizes(a.indexes, a.merged.tree);
  expect_children_add_up(final_tree, "");
  EXPECT_EQ(final_tree.bytes, a.totals.final_bytes);
  EXPECT_EQ(final_tree.files, a.totals.files);
  ASSERT_NE(final_tree.find("/usr/lib"), nullptr);
  EXPECT_EQ(final_tree.find("usr/lib")->bytes, 6000u);  // the overwrite wins, x/ is gone
  EXPECT_EQ(final_tree.find("usr/lib/x"), nullptr);
  EXPECT_EQ(final_tree.find("/usr")->bytes, 6700u);
  EXPECT_EQ(final_tree.find("/tmp")->bytes, 0u);
  EXPECT_EQ(final_tree.find("/app")->own_files, 1u);

  for (size_t i = 0; i < a.indexes.size(); ++i) {
    DirSize layer = layer_dir_sizes(a.indexes[i]);
    expect_children_add_up(layer, "layer " + std::to_string(i));
    EXPECT_EQ(layer.bytes, a.indexes[i].content_bytes) << i;
    EXPECT_EQ(layer.files, a.indexes[i].file_count) << i;
  }
  DirSize app = layer_dir_sizes(a.indexes[1]);
  EXPECT_EQ(app.find("app")->bytes, 18u);  // both copies of main.py, the hardlink counts 0
  EXPECT_EQ(app.find("usr/lib/x"), nullptr);  // a whiteout adds no directory
}

TEST(DirSizes, RowsDepthAndOrder) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Analysis a = run(img);
  DirSize t = final_dir_sizes(a.indexes, a.merged.tree);
  auto rows = dir_rows(*t.find("/usr"), "/usr", 1, true);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].path, "/usr");
  EXPECT_EQ(rows[1].path, "/usr/lib");  // larger first
  EXPECT_EQ(rows[2].path, "/usr/bin");
  EXPECT_EQ(rows[2].depth, 1);
  auto all = dir_rows(t, "/", 0, false);
  std::vector<std::string> paths;
  for (const auto& r : all) paths.push_back(r.path);
  // By name, parents first; /bin is a symlink, not a directory.
  EXPECT_EQ(paths, (std::vector<std::string>{"/", "/app", "/etc", "/tmp", "/usr", "/usr/bin", "/usr/lib"}));
}

TEST(DirSizes, DuReportAndItsErrors) {
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Analysis a = run(img);
  DuOptions o;
  o.depth = 0;
  std::string text = render_du_text(a, o);
  EXPECT_NE(text.find("/usr/lib"), std::string::npos);
  o.layer = 1;
  std::string json = render_du_json(a, o);
  EXPECT_NE(json.find("\"path\": \"/app\""), std::string::npos);
  o.layer = 7;
  EXPECT_THROW(render_du_text(a, o), Error);
  o.layer = -1;
  o.path = "/nope";
  try {
    render_du_text(a, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
  }
}

// The pipeline with --dockerfile: lines and origins land in the layer reports and the JSON.
TEST(DockerfilePipeline, LinesOriginsAndFindingsCiteTheDockerfile) {
  // Unique per process: other worktrees may run this suite at the same time.
  std::string path = ::testing::TempDir() + "/layerscope-test-" + std::to_string(getpid()) + ".Dockerfile";
  {
    std::ofstream f(path);
    f << "FROM debian:bookworm\n\nRUN make \\\n    app\n";
  }
  lstest::OciImage img;
  lstest::build_oci(img, layers());
  Analysis a = run(img, path);
  std::remove(path.c_str());
  lstest::expect_accounting(a);
  ASSERT_EQ(a.layers.size(), 2u);
  EXPECT_EQ(a.layers[0].origin, "base");
  EXPECT_EQ(a.layers[1].origin, "own");
  EXPECT_EQ(a.layers[1].dockerfile_line, 3);
  EXPECT_EQ(a.layers[1].dockerfile_last_line, 4);
  EXPECT_EQ(a.layers[1].instruction, "RUN make app");
  EXPECT_EQ(a.totals.base_content_bytes, a.layers[0].content_bytes);
  EXPECT_EQ(a.totals.own_content_bytes, a.layers[1].content_bytes);
  std::string json = render_json(a);
  EXPECT_NE(json.find("\"dockerfile_line\": 3"), std::string::npos);
  EXPECT_NE(json.find("\"base_content_bytes\""), std::string::npos);
  EXPECT_NE(json.find("\"instructions\": ["), std::string::npos);
  std::string text = render_text(a);
  EXPECT_NE(text.find("Dockerfile:3-4"), std::string::npos);
  EXPECT_NE(text.find("By instruction"), std::string::npos);

  // Findings about the RUN layer cite its line.
  lstest::OciImage img3;
  lstest::LayerSpec cache{lstest::TarBuilder().file("root/.cache/pip/wheel.whl", std::string(4000, 'w')).finish(), "gzip"};
  cache.created_by = "RUN /bin/sh -c make app # buildkit";
  lstest::build_oci(img3, {layers()[0], cache});
  {
    std::ofstream f(path);
    f << "FROM debian:bookworm\n\nRUN make \\\n    app\n";
  }
  Analysis c = run(img3, path);
  std::remove(path.c_str());
  bool cited = false;
  for (const auto& f : c.findings) cited |= f.rule == "pip-cache" && f.layer == 1 && f.dockerfile_line == 3;
  EXPECT_TRUE(cited);
  EXPECT_NE(render_text(c).find("layer 1, Dockerfile:3"), std::string::npos);

  lstest::OciImage img2;
  lstest::build_oci(img2, layers());
  Analysis h = run(img2);  // no Dockerfile: one builder change (classic -> BuildKit)
  EXPECT_EQ(h.attribution.method, "heuristic");
  EXPECT_EQ(h.layers[0].origin, "base");
}

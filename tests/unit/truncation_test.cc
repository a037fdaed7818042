// An image cut at every offset must be refused with a layerscope::Error (exit 3), never a
// crash, a hang or a wrong success: every prefix is analysed in-process.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "layerscope/analysis.h"
#include "layerscope/error.h"
#include "support/image_builder.h"

using namespace layerscope;

namespace {

std::string small_docker_save() {
  std::string l0 = lstest::TarBuilder().dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n").finish();
  std::string l1 = lstest::TarBuilder().file("app/main.py", std::string(700, 'p')).whiteout("etc/passwd").finish();
  std::string d0 = lstest::sha256_hex(l0), d1 = lstest::sha256_hex(l1);
  std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                       "\"diff_ids\":[\"sha256:" + d0 + "\",\"sha256:" + d1 + "\"]},\"history\":[]}";
  std::string cfg_name = lstest::sha256_hex(config) + ".json";
  std::string manifest = "[{\"Config\":\"" + cfg_name + "\",\"RepoTags\":[\"t:1\"],\"Layers\":[\"" + d0 +
                         "/layer.tar\",\"" + d1 + "/layer.tar\"]}]";
  return lstest::TarBuilder()
      .file(d0 + "/layer.tar", l0)
      .file(d1 + "/layer.tar", l1)
      .file(cfg_name, config)
      .file("manifest.json", manifest)
      .finish();
}

// Returns 0 for success, 3 for a layerscope::Error; anything else fails the test.
int analyze_bytes(const std::string& bytes, const std::string& path) {
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << bytes;
  }
  AnalyzeOptions o;
  o.reference = path;
  o.jobs = 1;  // one thread per analysis: thousands of them run here
  try {
    analyze(o);
    return 0;
  } catch (const Error& e) {
    return exit_code_for(e.kind());
  }
}

void every_prefix(const std::string& image, const char* name) {
  // Per process: several builds of the suite may run at once on one machine.
  std::string path = ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
  ASSERT_EQ(analyze_bytes(image, path), 0);
  size_t ok = 0;
  for (size_t cut = 0; cut < image.size(); ++cut) {
    int rc = analyze_bytes(image.substr(0, cut), path);
    ASSERT_TRUE(rc == 0 || rc == 3) << "cut at " << cut;
    ok += rc == 0;
  }
  // Only cuts inside the final zero blocks may still be a complete archive.
  EXPECT_LE(ok, 1024u + 512u) << name;
  std::remove(path.c_str());
}

}  // namespace

TEST(Truncation, DockerSaveAtEveryOffset) { every_prefix(small_docker_save(), "trunc.tar"); }

TEST(Truncation, GzippedDockerSaveAtEveryOffset) { every_prefix(lstest::gzip(small_docker_save()), "trunc.tar.gz"); }

// Every rule: one image that triggers it (with the bytes the finding must report) and one
// that must not, both built in memory. Savings never count a byte twice.
#include <gtest/gtest.h>

#include <map>

#include "rules/engine.h"
#include "support/image_builder.h"
#include "support/invariants.h"

using namespace layerscope;

namespace {

struct Img {
  std::vector<lstest::LayerSpec> layers;
  std::string config = "\"User\":\"app\",\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}";
};

Analysis run(const Img& spec, RulesConfig rules = {}) {
  lstest::OciImage img;
  lstest::build_oci(img, spec.layers, spec.config);
  AnalyzeOptions o;
  o.jobs = 1;
  o.rules = std::move(rules);
  Analysis a = lstest::analyze_oci(img, o);
  lstest::expect_accounting(a);
  return a;
}

std::vector<const Finding*> of_rule(const Analysis& a, const std::string& rule) {
  std::vector<const Finding*> out;
  for (const auto& f : a.findings) {
    if (f.rule == rule) out.push_back(&f);
  }
  return out;
}

lstest::LayerSpec layer(const lstest::TarBuilder& b, const std::string& created_by = "/bin/sh -c true") {
  return {b.finish(), "gzip", "", created_by};
}

// A clean base: nothing any rule should object to.
lstest::TarBuilder base() {
  return lstest::TarBuilder().dir("bin").file("bin/app", std::string(1000, 'a')).file("etc/passwd", "root:x:0:0\n");
}

void expect_rule(const Img& hit, const Img& miss, const std::string& rule, uint64_t bytes) {
  Analysis a = run(hit);
  auto fs = of_rule(a, rule);
  ASSERT_FALSE(fs.empty()) << rule << " did not fire";
  uint64_t total = 0;
  for (auto* f : fs) total += f->bytes;
  EXPECT_EQ(total, bytes) << rule;
  EXPECT_TRUE(of_rule(run(miss), rule).empty()) << rule << " fired on the negative case";
}

Img two(const lstest::TarBuilder& second) { return Img{{layer(base()), layer(second)}}; }

}  // namespace

TEST(Rules, PackageManagerCaches) {
  expect_rule(two(lstest::TarBuilder().file("var/lib/apt/lists/x_Packages", std::string(5000, 'p'))),
              two(lstest::TarBuilder().file("var/lib/apt/extended_states", "x")), "apt-lists", 5000);
  expect_rule(two(lstest::TarBuilder().file("var/cache/apt/archives/a.deb", std::string(700, 'd'))),
              two(lstest::TarBuilder().file("var/cache/other/a", "x")), "apt-archives", 700);
  expect_rule(two(lstest::TarBuilder().file("var/cache/apk/APKINDEX.tar.gz", std::string(300, 'k'))),
              two(lstest::TarBuilder().file("etc/apk/world", "x")), "apk-cache", 300);
  expect_rule(two(lstest::TarBuilder().file("var/cache/dnf/repo.solv", std::string(400, 'r'))),
              two(lstest::TarBuilder().file("var/lib/dnf/history.sqlite", "x")), "dnf-yum-cache", 400);
  expect_rule(two(lstest::TarBuilder().file("root/.npm/_cacache/index", std::string(250, 'n'))),
              two(lstest::TarBuilder().file("app/node_modules/x/index.js", "x")), "npm-cache", 250);
  expect_rule(two(lstest::TarBuilder().file("root/.cache/pip/wheels/a.whl", std::string(900, 'w'))),
              two(lstest::TarBuilder().file("root/.cache/other/a", "x")), "pip-cache", 900);
  expect_rule(two(lstest::TarBuilder().file("root/.m2/repository/a.jar", std::string(600, 'j'))),
              two(lstest::TarBuilder().file("root/.m2/settings.xml", "x")), "lang-cache", 600);
}

TEST(Rules, BytecodeTestsVcsDocs) {
  expect_rule(two(lstest::TarBuilder().file("app/__pycache__/m.cpython-311.pyc", std::string(120, 'c')).file("app/x.pyc", "ab")),
              two(lstest::TarBuilder().file("app/m.py", "x")), "python-bytecode", 122);
  expect_rule(two(lstest::TarBuilder()
                      .file("app/tests/test_a.py", std::string(50, 't'))
                      .file("usr/local/lib/python3.11/site-packages/p/tests/t.py", std::string(20, 't'))),
              two(lstest::TarBuilder().file("usr/lib/go/src/testing/x.go", "x").file("app/testing.py", "x")), "tests", 70);
  expect_rule(two(lstest::TarBuilder().file("app/.git/objects/pack/p.pack", std::string(800, 'g'))),
              two(lstest::TarBuilder().file("app/.github/workflows/ci.yml", "x").file("app/.gitignore", "x")), "vcs-dir", 800);
  expect_rule(two(lstest::TarBuilder().file("usr/share/doc/pkg/changelog.gz", std::string(90, 'd'))),
              two(lstest::TarBuilder().file("usr/share/zoneinfo/UTC", "x")), "docs-man-locale", 90);
}

TEST(Rules, SecretsByNameAndByContent) {
  std::string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n";
  std::string npmrc = "//registry.npmjs.org/:_authToken=abc\n";
  expect_rule(two(lstest::TarBuilder()
                      .file("app/.env", "SECRET=1\n")
                      .file("app/certs/server.key", pem)
                      .file("root/.npmrc", npmrc)),
              two(lstest::TarBuilder()
                      .file("app/.env.example", "SECRET=\n")
                      .file("app/certs/server.crt", "-----BEGIN CERTIFICATE-----\n")
                      .file("root/.npmrc", "registry=https://registry.npmjs.org/\n")
                      .file("usr/lib/python3/site-packages/c/tests/key.pem", pem)),
              "secret-file", 9 + pem.size() + npmrc.size());
}

TEST(Rules, SecretStillFiresWhenALaterLayerDeletesIt) {
  Img img{{layer(base()), layer(lstest::TarBuilder().file("app/.env", "K=v\n")), layer(lstest::TarBuilder().whiteout("app/.env"))}};
  Analysis a = run(img);
  auto fs = of_rule(a, "secret-file");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0]->severity, Severity::kError);
  EXPECT_EQ(fs[0]->layer, 1);
}

TEST(Rules, BuildToolchain) {
  expect_rule(two(lstest::TarBuilder()
                      .file("usr/bin/gcc-12", std::string(300, 'x'))
                      .file("usr/include/stdio.h", std::string(40, 'h'))
                      .file("usr/lib/x86_64-linux-gnu/libc.a", std::string(60, 'a'))
                      .file("var/lib/dpkg/info/libpq-dev:amd64.list", "/usr/include/libpq-fe.h\n")),
              two(lstest::TarBuilder().file("usr/bin/python3", "x").file("usr/lib/x86_64-linux-gnu/libc.so.6", "x")),
              "build-toolchain", 400);
}

TEST(Rules, DeletedAndOverwrittenLater) {
  Img deleted{{layer(base()), layer(lstest::TarBuilder().file("tmp/model.tar.gz", std::string(5000, 'm'))),
               layer(lstest::TarBuilder().whiteout("tmp/model.tar.gz"))}};
  Img kept{{layer(base()), layer(lstest::TarBuilder().file("tmp/model.tar.gz", std::string(5000, 'm')))}};
  expect_rule(deleted, kept, "deleted-later", 5000);

  Img chown{{layer(base()), layer(lstest::TarBuilder().file("app/main.py", std::string(700, 'p'), 0644, 0)),
             layer(lstest::TarBuilder().file("app/main.py", std::string(700, 'p'), 0644, 1000))}};
  Img once{{layer(base()), layer(lstest::TarBuilder().file("app/main.py", std::string(700, 'p'), 0644, 1000))}};
  expect_rule(chown, once, "overwritten-later", 700);
  Analysis a = run(chown);
  EXPECT_NE(of_rule(a, "overwritten-later")[0]->message.find("metadata-only"), std::string::npos);
}

// A copy can vanish without being rewritten: a directory that becomes a file takes its subtree,
// a file can become a symlink, a tar can name a path twice. Each path says which it was.
TEST(Rules, OverwrittenLaterSaysHowEachCopyWasLost) {
  Img replaced{{layer(base().file("opt/tool/lib/a.so", std::string(900, 'a')).file("opt/tool/run", std::string(100, 'r'))),
                layer(lstest::TarBuilder().file("opt/tool", "now a file").symlink("bin/app", "/opt/tool"))}};
  Analysis a = run(replaced);
  auto fs = of_rule(a, "overwritten-later");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0]->bytes, 2000u);
  EXPECT_NE(fs[0]->message.find("rewrites or replaces 3 files"), std::string::npos) << fs[0]->message;
  std::map<std::string, std::string> notes;
  for (const auto& p : fs[0]->paths) notes[p.path] = p.note;
  EXPECT_EQ(notes["/opt/tool/lib/a.so"], "removed: /opt/tool became a file; copy in layer 0");
  EXPECT_EQ(notes["/opt/tool/run"], "removed: /opt/tool became a file; copy in layer 0");
  EXPECT_EQ(notes["/bin/app"], "replaced by a symlink; copy in layer 0");

  Img twice{{layer(base().file("etc/app.conf", std::string(300, 'o')).file("etc/app.conf", "new"))}};
  Analysis b = run(twice);
  fs = of_rule(b, "overwritten-later");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0]->bytes, 300u);
  EXPECT_NE(fs[0]->message.find("from layer 0 itself"), std::string::npos) << fs[0]->message;
  ASSERT_EQ(fs[0]->paths.size(), 1u);
  EXPECT_EQ(fs[0]->paths[0].note, "written again later in the same layer");
}

TEST(Rules, DuplicateContentAndLargeFile) {
  expect_rule(two(lstest::TarBuilder().file("a/x.bin", std::string(3000, 'z')).file("b/y.bin", std::string(3000, 'z'))),
              two(lstest::TarBuilder().file("a/x.bin", std::string(3000, 'z')).file("b/y.bin", std::string(3000, 'y'))),
              "duplicate-content", 3000);
  RulesConfig small;
  small.large_file_bytes = 2000;
  Analysis a = run(two(lstest::TarBuilder().file("opt/big.bin", std::string(2500, 'b'))), small);
  ASSERT_EQ(of_rule(a, "large-file").size(), 1u);
  EXPECT_EQ(of_rule(a, "large-file")[0]->savings_bytes, 0u);
  EXPECT_TRUE(of_rule(run(two(lstest::TarBuilder().file("opt/small.bin", "x")), small), "large-file").empty());
}

TEST(Rules, ConfigChecks) {
  Img root = two(lstest::TarBuilder().file("x", "1"));
  root.config = "\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}";
  Analysis a = run(root);
  EXPECT_EQ(of_rule(a, "root-user").size(), 1u);
  EXPECT_TRUE(of_rule(a, "no-healthcheck").empty());
  Img nohc = two(lstest::TarBuilder().file("x", "1"));
  nohc.config = "\"User\":\"1000:1000\",\"Healthcheck\":{\"Test\":[\"NONE\"]}";
  Analysis b = run(nohc);
  EXPECT_TRUE(of_rule(b, "root-user").empty());
  EXPECT_EQ(of_rule(b, "no-healthcheck").size(), 1u);
}

TEST(Rules, SavingsNeverCountAByteTwice) {
  // A pip cache that a later layer deletes matches pip-cache and deleted-later: the bytes
  // count once, in the more specific rule.
  Img img{{layer(base()), layer(lstest::TarBuilder().file("root/.cache/pip/http/a", std::string(4000, 'p'))),
           layer(lstest::TarBuilder().whiteout("root/.cache"))}};
  Analysis a = run(img);
  ASSERT_EQ(of_rule(a, "pip-cache").size(), 1u);
  EXPECT_EQ(of_rule(a, "pip-cache")[0]->savings_bytes, 4000u);
  uint64_t dl = 0;
  for (auto* f : of_rule(a, "deleted-later")) dl += f->savings_bytes;
  EXPECT_EQ(dl, 0u);
  EXPECT_EQ(a.savings_bytes, 4000u);
}

TEST(Rules, DisabledRulesAllowlistsAndSeverityOverrides) {
  Img img = two(lstest::TarBuilder().file("app/.git/HEAD", "ref").file("opt/models/w.bin", std::string(3000, 'w')));
  RulesConfig cfg;
  cfg.rules["vcs-dir"].enabled = false;
  cfg.large_file_bytes = 2000;
  cfg.rules["large-file"].allow = {"/opt/models/*"};
  cfg.rules["root-user"].severity_set = true;
  cfg.rules["root-user"].severity = Severity::kError;
  img.config = "\"Healthcheck\":{\"Test\":[\"CMD\",\"true\"]}";
  Analysis a = run(img, cfg);
  EXPECT_TRUE(of_rule(a, "vcs-dir").empty());
  EXPECT_TRUE(of_rule(a, "large-file").empty());
  ASSERT_EQ(of_rule(a, "root-user").size(), 1u);
  EXPECT_EQ(of_rule(a, "root-user")[0]->severity, Severity::kError);
}

TEST(Rules, BudgetProjectionSubtractsEverySavingOnce) {
  Img img{{layer(base()), layer(lstest::TarBuilder().file("root/.cache/pip/a", std::string(4000, 'p'))),
           layer(lstest::TarBuilder().file("tmp/x", std::string(2000, 'x'))), layer(lstest::TarBuilder().whiteout("tmp/x"))}};
  Analysis a = run(img);
  BudgetProjection p = project_budget(a, 2000);
  EXPECT_EQ(p.current_bytes, a.totals.content_bytes);
  EXPECT_EQ(p.savings_bytes, 6000u);
  EXPECT_EQ(p.projected_bytes, a.totals.content_bytes - 6000);
  EXPECT_FALSE(p.fits_now);
  EXPECT_TRUE(p.fits_after_fixes);
}

#include "support/gate_fixtures.h"

#include "report/gate_eval.h"
#include "util/units.h"

using namespace layerscope;

namespace lstest {

namespace {

LayerReport layer(int index, const char* instruction, uint64_t content, uint64_t compressed, uint64_t files) {
  LayerReport l;
  l.index = index;
  l.digest = "sha256:" + std::string(63, static_cast<char>('a' + index)) + "0";
  l.diff_id = "sha256:" + std::string(63, static_cast<char>('b' + index)) + "1";
  l.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
  l.compression = Compression::kGzip;
  l.compressed_bytes = compressed;
  l.content_bytes = content;
  l.tar_bytes = content + 512 * files + 1024;
  l.overhead.tar_headers = 512 * files;
  l.overhead.tar_end = 1024;
  l.entries = files;
  l.files = files;
  l.added = {files, content};
  l.created_by = std::string("/bin/sh -c ") + instruction;
  l.instruction = instruction;
  l.history_index = index;
  l.verified = true;
  return l;
}

FindingPath path(std::string p, uint64_t bytes, int layer, std::string note = "") {
  return FindingPath{std::move(p), bytes, layer, std::move(note)};
}

Finding finding(std::string rule, Severity s, int layer, std::string instruction, int line, std::string message,
                std::vector<FindingPath> paths, uint64_t bytes, uint64_t savings, std::string fix) {
  Finding f;
  f.rule = std::move(rule);
  f.severity = s;
  f.layer = layer;
  f.instruction = std::move(instruction);
  f.dockerfile_line = line;
  f.message = std::move(message);
  f.path_count = paths.size();
  f.paths = std::move(paths);
  f.bytes = bytes;
  f.savings_bytes = savings;
  f.fix = std::move(fix);
  return f;
}

Violation from(const Finding& f) {
  Violation v;
  v.message = f.message;
  v.layer = f.layer;
  v.instruction = f.instruction;
  v.dockerfile_line = f.dockerfile_line;
  v.rule = f.rule;
  v.severity = f.severity;
  v.paths = f.paths;
  v.fix = f.fix;
  v.savings_bytes = f.savings_bytes;
  return v;
}

Check check(std::string id, std::string title, CheckStatus status, std::string threshold, std::string actual,
            std::string message, std::vector<Violation> violations = {}) {
  Check c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.status = status;
  c.threshold = std::move(threshold);
  // As gate_eval does for size checks (these fixtures' limits are round SI sizes).
  if ((c.id.rfind("budget.", 0) == 0 || c.id.rfind("layer_budget.", 0) == 0) && !c.threshold.empty()) {
    c.threshold_bytes = parse_byte_size(c.threshold);
  }
  c.actual = std::move(actual);
  c.message = std::move(message);
  c.violations = std::move(violations);
  return c;
}

// Layer instructions, with a pipe and backticks where real Dockerfiles have them.
const char* const kInstr[] = {
    "# debian.sh --arch 'amd64' out/ 'bookworm' '@1704672000'",
    "RUN apt-get update && apt-get install -y build-essential g++ | tee /tmp/apt.log",
    "COPY . /app",
    "RUN pip install -r requirements.txt  # `pip` leaves 100% of its cache",
    "RUN chown -R 1000:1000 /app",
};

}  // namespace

Analysis fixture_analysis() {
  Analysis a;
  a.image.reference = "docker-archive:build/acme-orders.tar";
  a.image.transport = "docker-archive";
  a.image.layout = "docker-save";
  a.image.name = "acme/orders-api:1.4.2";
  a.image.platform = "linux/amd64";
  a.image.manifest_digest = "sha256:" + std::string(64, 'd');
  a.image.config_digest = "sha256:" + std::string(64, 'c');
  a.layers = {
      layer(0, kInstr[0], 74'200'000, 28'100'000, 845),
      layer(1, kInstr[1], 249'900'000, 90'400'000, 781),
      layer(2, kInstr[2], 23'200'000, 9'800'000, 102),
      layer(3, kInstr[3], 313'300'000, 120'500'000, 1585),
      layer(4, kInstr[4], 23'200'000, 9'900'000, 183),
  };
  Totals& t = a.totals;
  for (const auto& l : a.layers) {
    t.compressed_bytes += l.compressed_bytes;
    t.tar_bytes += l.tar_bytes;
    t.content_bytes += l.content_bytes;
  }
  t.layers = a.layers.size();
  t.final_bytes = 600'100'000;
  t.files = 3923;
  t.dirs = 410;
  t.symlinks = 61;

  a.findings = {
      finding("secret-file", Severity::kError, 2, kInstr[2], 7,
              "2 files with secrets, from layer 2: anyone who pulls the image can read them",
              {path("/app/deploy/id_rsa", 660, 2, "SSH private key"),
               path("/app/.env", 344, 2, "dotenv file: environment secrets")},
              1004, 1004,
              "keep secrets out of the build context (.dockerignore: `.env`, keys) and rotate what was exposed"),
      finding("pip-cache", Severity::kWarning, 3, kInstr[3], 9,
              "30 files (135.2 MB, 100% cache) of the pip download cache: /root/.cache/pip\nleft by `pip install`",
              {path("/root/.cache/pip/http-v2/c/e/3/a/f/1eff5acf", 6'700'000, 3),
               path("/root/.cache/pip/wheels/8d/41/uvloop-0.19.0-cp311.whl", 10'300'000, 3)},
              135'200'000, 135'200'000, "use `pip install --no-cache-dir …` (or ENV PIP_NO_CACHE_DIR=1)"),
      finding("build-toolchain", Severity::kWarning, 1, kInstr[1], 4,
              "compilers and headers (110.8 MB) in the final image", {path("/usr/lib/gcc/x86_64-linux-gnu/12/cc1plus", 33'100'000, 1)},
              110'800'000, 110'800'000, "build in a builder stage and COPY --from=builder only the artifacts"),
      finding("apt-lists", Severity::kWarning, 1, kInstr[1], 4, "/var/lib/apt/lists left by apt-get update (37.0 MB)",
              {path("/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", 30'500'000, 1)},
              37'000'000, 37'000'000, "end the RUN with `&& rm -rf /var/lib/apt/lists/*`"),
      finding("overwritten-later", Severity::kWarning, 4, kInstr[4], 12,
              "chown -R rewrote 183 files | 23.2 MB shipped twice", {path("/app/data/orders-sample.csv", 11'300'000, 4)},
              23'200'000, 23'200'000, "COPY --chown=1000:1000 instead of a later chown -R"),
      finding("python-bytecode", Severity::kInfo, 3, kInstr[3], 9, "4,210 .pyc files (5.0 MB)",
              {path("/usr/local/lib/python3.11/__pycache__/typing.cpython-311.pyc", 120'000, 3)}, 5'000'000, 5'000'000,
              "ENV PYTHONDONTWRITEBYTECODE=1, or accept the start-up time trade-off"),
      finding("duplicate-content", Severity::kInfo, 0, kInstr[0], -1, "3 identical copies <&> of the same bytes",
              {path("/usr/share/dup <&> \"q\" 'a'\x01.bin", 700'000, 0), path("/srv/caf\xE9-\xE6\x96\x87.txt", 700'000, 0)},
              2'100'000, 1'400'000, "keep one copy and hard-link or symlink the others"),
      finding("root-user", Severity::kWarning, -1, "", -1, "the image runs as root: no USER instruction", {}, 0, 0,
              "add `USER 1000:1000` after the last RUN that needs root"),
  };
  for (const auto& f : a.findings) a.savings_bytes += f.savings_bytes;
  a.efficiency.score = 0.9071;
  a.efficiency.wasted_bytes = 63'600'000;
  a.efficiency.user_wasted_percent = 0.1043;
  a.efficiency.image_bytes = t.content_bytes;
  a.efficiency.user_bytes = t.content_bytes - a.layers[0].content_bytes;
  a.efficiency.reclaimable_bytes = 23'200'000;
  a.efficiency.inefficient_paths = {{"/app/data/orders-sample.csv", 22'600'000, 2}, {"/var/cache/apt, archives", 41'000'000, 2}};
  a.dockerignore = {
      {".git", 5'000'000, 120, {2}, "version-control metadata copied by COPY . /app"},
      {".env", 344, 1, {2}, "secrets in the build context"},
  };
  return a;
}

// Shaped like evaluate_gate's output (src/report/gate_eval.cc): a failed size check explains
// itself with the fixes that save the most, a layer check names the layers, the require.*
// checks carry the config finding, skipped checks have no threshold or message.
GateResult failing_gate() {
  const Analysis a = fixture_analysis();
  auto f = [&](const char* rule) {
    for (const auto& x : a.findings) {
      if (x.rule == rule) return from(x);
    }
    return Violation{};
  };

  Violation big3;
  big3.message = "layer 3 is 313.3 MB, over the 200.0 MB per-layer budget";
  big3.layer = 3;
  big3.instruction = kInstr[3];
  big3.dockerfile_line = 9;
  Violation big1;  // no Dockerfile line known for this layer
  big1.message = "layer 1 is 249.9 MB, over the 200.0 MB per-layer budget";
  big1.layer = 1;
  big1.instruction = kInstr[1];

  Violation copies;
  copies.message = "paths stored more than once across layers (dive's inefficient files)";
  copies.paths = {path("/app/data/orders-sample.csv", 22'600'000, -1, "2 copies"),
                  path("/var/cache/apt, archives", 41'000'000, -1, "2 copies")};

  Violation health;
  health.message = "no HEALTHCHECK in the image config: an orchestrator cannot tell a hung process from a healthy one";
  health.rule = "no-healthcheck";
  health.severity = Severity::kWarning;
  health.fix = "add `HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1`";

  GateResult g;
  g.passed = false;
  g.policy_source = "layerscope.yml";
  g.checks = {
      check("budget.content", "Content size budget", CheckStatus::kFail, "500.0 MB", "683.8 MB",
            "683.8 MB exceeds the 500.0 MB budget by 183.8 MB", {f("pip-cache"), f("build-toolchain"), f("apt-lists")}),
      check("budget.compressed", "Compressed (pull) size budget", CheckStatus::kPass, "300.0 MB", "258.7 MB",
            "258.7 MB is within the 300.0 MB budget"),
      check("budget.final", "Final filesystem size budget", CheckStatus::kSkip, "", "", ""),
      check("layer_budget.content", "Per-layer content budget", CheckStatus::kFail, "200.0 MB",
            "313.3 MB (largest layer)", "2 layers exceed 200.0 MB", {big3, big1}),
      check("waste", "Reclaimable bytes", CheckStatus::kPass, "50.0 MB and 10.0000%", "23.2 MB (3.3928%)",
            "reclaimable bytes 23.2 MB (3.3928%) are within 50.0 MB and 10.0000%"),
      check("dive.lowestEfficiency", "dive efficiency", CheckStatus::kFail, "0.9500", "0.9071",
            "efficiency 0.9071 is below 0.9500", {copies}),
      check("dive.highestWastedBytes", "dive wasted bytes", CheckStatus::kSkip, "", "", ""),
      check("findings", "Findings", CheckStatus::kFail, "info or worse", "4 at info or worse",
            "4 findings at info or worse",
            {f("secret-file"), f("pip-cache"), f("duplicate-content"), f("overwritten-later")}),
      check("require.non_root", "Non-root user", CheckStatus::kFail, "required", "missing",
            "the image runs as root: no USER instruction", {f("root-user")}),
      check("require.healthcheck", "Health check", CheckStatus::kFail, "required", "missing", health.message, {health}),
  };
  return g;
}

GateResult passing_gate() {
  GateResult g;
  g.passed = true;
  g.policy_source = "flags";
  g.checks = {
      check("budget.content", "Content size budget", CheckStatus::kPass, "1.0 GB", "683.8 MB",
            "683.8 MB is within the 1.0 GB budget"),
      check("budget.compressed", "Compressed (pull) size budget", CheckStatus::kPass, "300.0 MB", "258.7 MB",
            "258.7 MB is within the 300.0 MB budget"),
      check("findings", "Findings", CheckStatus::kPass, "error or worse", "0 at error or worse",
            "no findings at error or worse"),
      check("dive.lowestEfficiency", "dive efficiency", CheckStatus::kSkip, "", "", ""),
  };
  return g;
}

GateResult misconfigured_gate() {
  GateResult g;
  g.passed = false;
  g.misconfigured = true;
  g.policy_source = ".dive-ci";
  g.checks = {
      check("dive.lowestEfficiency", "dive efficiency", CheckStatus::kFail, "1.5000", "0.9071",
            "lowestEfficiency must be a fraction between 0 and 1, got 1.5"),
      check("budget.content", "Content size budget", CheckStatus::kPass, "1.0 GB", "683.8 MB",
            "683.8 MB is within the 1.0 GB budget"),
  };
  return g;
}

Policy full_policy() {
  Policy p;
  p.source = "tests/support/gate_fixtures.cc";
  p.budget = {500'000'000, 300'000'000, 700'000'000};
  p.layer_budget = {200'000'000, 100'000'000, std::nullopt};
  p.waste_max_bytes = 1'000'000;
  p.waste_max_percent = 1.0;
  p.min_efficiency = 0.99;
  p.max_wasted_bytes = 1'000'000;
  p.max_user_wasted_percent = 0.01;
  p.fail_on = Severity::kInfo;
  p.require_non_root = true;
  p.require_healthcheck = true;
  return p;
}

std::vector<GateFixture> gate_fixtures() {
  std::vector<GateFixture> out;
  out.push_back({"failing", fixture_analysis(), failing_gate(), {"docker/app.Dockerfile", ""}});
  out.push_back({"failing-nodockerfile", fixture_analysis(), failing_gate(), {"", ""}});
  // A passing gate on an image without the secret (which would have failed it).
  Analysis clean = fixture_analysis();
  std::erase_if(clean.findings, [](const Finding& f) { return f.rule == "secret-file"; });
  clean.savings_bytes = 0;
  for (const auto& f : clean.findings) clean.savings_bytes += f.savings_bytes;
  out.push_back({"passing", std::move(clean), passing_gate(), {"Dockerfile", ""}});
  out.push_back({"misconfigured", fixture_analysis(), misconfigured_gate(), {"", ""}});
  // The real policy evaluation on the same analysis, every check configured: schema-validated
  // like the others, but not golden (its wording belongs to the gate, not to the renderers).
  Analysis evaluated = fixture_analysis();
  GateResult g = evaluate_gate(evaluated, full_policy());
  out.push_back({"evaluated", std::move(evaluated), std::move(g), {"Dockerfile", ""}});
  return out;
}

}  // namespace lstest

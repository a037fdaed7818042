// The CI renderers and the --output plumbing at unit level. Schema validity and the golden
// Markdown are checked by tests/e2e/ci_outputs.py on the same fixtures.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/gate_outputs.h"
#include "layerscope/error.h"
#include "layerscope/gate_report.h"
#include "layerscope/report.h"
#include "report/gate_eval.h"
#include "support/gate_fixtures.h"

using namespace layerscope;
using layerscope::cli::GateFormat;
using layerscope::cli::parse_output_spec;
using layerscope::cli::parse_output_specs;
using json = nlohmann::ordered_json;

namespace {

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::kInternal;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string t = (std::filesystem::temp_directory_path() / "ls-gate-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

// One violation, for focused location/escaping tests.
GateResult one_violation(int layer, int line) {
  Violation v;
  v.message = "too big";
  v.layer = layer;
  v.dockerfile_line = line;
  v.instruction = "RUN make";
  Check c;
  c.id = "budget.content";
  c.title = "Image content size";
  c.status = CheckStatus::kFail;
  c.threshold = "1.0 MB";
  c.actual = "2.0 MB";
  c.violations = {v};
  GateResult g;
  g.passed = false;
  g.checks = {c};
  return g;
}

std::string first_uri(const std::string& sarif) {
  json j = json::parse(sarif);
  return j["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
}

}  // namespace

TEST(GateOutputSpec, ParsesEveryFormat) {
  EXPECT_EQ(parse_output_spec("junit=report.xml").format, GateFormat::kJunit);
  EXPECT_EQ(parse_output_spec("junit=report.xml").path, "report.xml");
  EXPECT_EQ(parse_output_spec("sarif=layerscope.sarif").format, GateFormat::kSarif);
  EXPECT_EQ(parse_output_spec("markdown=-").format, GateFormat::kMarkdown);
  EXPECT_EQ(parse_output_spec("markdown=-").path, "-");
  EXPECT_EQ(parse_output_spec("json=out/report.json").format, GateFormat::kJson);
  EXPECT_EQ(parse_output_spec("text=check.txt").format, GateFormat::kText);
  // Only the first '=' separates: a path may contain one.
  EXPECT_EQ(parse_output_spec("json=a=b.json").path, "a=b.json");
}

TEST(GateOutputSpec, RejectsBadSpecsAsUsageErrors) {
  EXPECT_EQ(kind_of([] { parse_output_spec("junit"); }), ErrorKind::kUsage);
  EXPECT_EQ(kind_of([] { parse_output_spec("junit="); }), ErrorKind::kUsage);
  EXPECT_EQ(kind_of([] { parse_output_spec("xml=report.xml"); }), ErrorKind::kUsage);
  EXPECT_EQ(kind_of([] { parse_output_spec("=report.xml"); }), ErrorKind::kUsage);
  EXPECT_EQ(kind_of([] { parse_output_spec("JUNIT=report.xml"); }), ErrorKind::kUsage);
  try {
    parse_output_spec("xml=report.xml");
  } catch (const Error& e) {
    EXPECT_NE(e.text().find("unknown format 'xml'"), std::string::npos) << e.text();
    EXPECT_NE(e.text().find("junit, sarif, markdown, json, text"), std::string::npos) << e.text();
  }
  try {
    parse_output_spec("sarif");
  } catch (const Error& e) {
    EXPECT_NE(e.text().find("FORMAT=PATH"), std::string::npos) << e.text();
  }
}

TEST(GateOutputSpec, TwoOutputsToOnePathAreAUsageError) {
  EXPECT_EQ(parse_output_specs({"junit=a.xml", "sarif=a.sarif", "markdown=-"}).size(), 3u);
  EXPECT_EQ(kind_of([] { parse_output_specs({"junit=a.xml", "sarif=a.xml"}); }), ErrorKind::kUsage);
  EXPECT_EQ(kind_of([] { parse_output_specs({"text=-", "markdown=-"}); }), ErrorKind::kUsage);
}

TEST(GateOutputs, WritesEveryFileAndNothingWhenASpecIsBad) {
  TempDir dir;
  const Analysis a = lstest::fixture_analysis();
  const GateResult g = lstest::failing_gate();
  std::ostringstream annotations;
  const auto p = [&](const char* name) { return (dir.path / name).string(); };
  cli::write_gate_outputs({"junit=" + p("r.xml"), "sarif=" + p("r.sarif"), "markdown=" + p("r.md"), "json=" + p("r.json"),
                           "text=" + p("r.txt")},
                          false, a, g, {}, cli::GithubEnv{}, annotations);
  EXPECT_EQ(read(p("r.xml")), render_gate_junit(a, g));
  EXPECT_EQ(read(p("r.sarif")), render_gate_sarif(a, g, {}));
  EXPECT_EQ(read(p("r.md")), render_gate_markdown(a, g, {}));
  EXPECT_EQ(read(p("r.json")), render_json_with_gate(a, g));
  EXPECT_EQ(read(p("r.txt")), render_gate_text(a, g, {}));
  EXPECT_TRUE(annotations.str().empty()) << "no annotations outside GitHub mode";

  EXPECT_EQ(kind_of([&] {
              cli::write_gate_outputs({"junit=" + p("late.xml"), "yaml=" + p("x.yaml")}, false, a, g, {}, {}, annotations);
            }),
            ErrorKind::kUsage);
  EXPECT_FALSE(std::filesystem::exists(p("late.xml"))) << "a bad spec must stop the run before any write";
}

TEST(GateOutputs, GithubModeAppendsTheSummaryAndPrintsAnnotations) {
  TempDir dir;
  const Analysis a = lstest::fixture_analysis();
  const GateResult g = lstest::failing_gate();
  const SarifOptions o{"Dockerfile", ""};
  cli::GithubEnv env;
  env.actions = true;
  env.step_summary = (dir.path / "summary.md").string();
  { std::ofstream(env.step_summary) << "# earlier step\n"; }
  std::ostringstream annotations;
  cli::write_gate_outputs({}, false, a, g, o, env, annotations);
  const std::string md = render_gate_markdown(a, g, o);
  EXPECT_EQ(read(env.step_summary), "# earlier step\n" + md + "\n");
  EXPECT_EQ(annotations.str(), render_github_annotations(a, g, o));
  EXPECT_NE(annotations.str().find("::error file=Dockerfile,line=9,"), std::string::npos) << annotations.str();

  // --github forces the mode; without GITHUB_STEP_SUMMARY only the annotations are written.
  std::ostringstream forced;
  cli::write_gate_outputs({}, true, a, g, o, cli::GithubEnv{}, forced);
  EXPECT_EQ(forced.str(), render_github_annotations(a, g, o));
}

TEST(GithubAnnotations, EscapesPerTheWorkflowCommandRules) {
  EXPECT_EQ(github_escape_data("100% done\r\nnext: a,b"), "100%25 done%0D%0Anext: a,b");
  EXPECT_EQ(github_escape_property("a:b,c%d\ne"), "a%3Ab%2Cc%25d%0Ae");

  GateResult g = one_violation(2, 7);
  g.checks[0].violations[0].message = "line one\nline two :: 50%";
  const std::string out = render_github_annotations(lstest::fixture_analysis(), g, {"dir,x/Docker:file", ""});
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one command per line: " << out;
  EXPECT_EQ(out.rfind("::error file=dir%2Cx/Docker%3Afile,line=7,title=layerscope budget.content::", 0), 0u) << out;
  EXPECT_NE(out.find("line one line two :: 50%25%0Alayer 2: RUN make"), std::string::npos) << out;
}

TEST(GithubAnnotations, LevelsFollowSeverityAndNoFileWithoutALine) {
  const std::string out =
      render_github_annotations(lstest::fixture_analysis(), lstest::failing_gate(), {"Dockerfile", ""});
  EXPECT_NE(out.find("::warning file=Dockerfile,line=9,title=layerscope pip-cache (findings)::"), std::string::npos);
  EXPECT_NE(out.find("::notice title=layerscope duplicate-content (findings)::"), std::string::npos);
  EXPECT_NE(out.find("::error title=layerscope layer_budget.content::2 layers exceed 200.0 MB — layer 1 is 249.9 MB"),
            std::string::npos)
      << out;
  // A fix that explains a budget failure is reported under the budget, as an error.
  EXPECT_NE(out.find("::error file=Dockerfile,line=9,title=layerscope budget.content::683.8 MB exceeds the 500.0 MB budget "
                     "by 183.8 MB — 30 files"),
            std::string::npos);
  // Errors first: the runner shows a limited number per step.
  EXPECT_LT(out.rfind("::error"), out.find("::warning"));
  EXPECT_LT(out.rfind("::warning"), out.find("::notice"));
}

TEST(GateSarif, LocationsAreRelativeUrisOrTheImage) {
  const Analysis a = lstest::fixture_analysis();
  // A Dockerfile line is known and a Dockerfile was given: the Dockerfile, percent-encoded.
  std::string s = render_gate_sarif(a, one_violation(1, 3), {"docker/my app.Dockerfile", ""});
  EXPECT_EQ(first_uri(s), "docker/my%20app.Dockerfile");
  EXPECT_EQ(json::parse(s)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
  // No line: the image, without its transport (code scanning rejects unknown schemes).
  EXPECT_EQ(first_uri(render_gate_sarif(a, one_violation(1, -1), {"Dockerfile", ""})), "build/acme-orders.tar");
  EXPECT_EQ(first_uri(render_gate_sarif(a, one_violation(1, 3), {"", "oci:images/app:1.0"})), "images/app");
  EXPECT_EQ(first_uri(render_gate_sarif(a, one_violation(1, 3), {"", "docker://alpine:3.19"})), "./alpine:3.19");
  EXPECT_EQ(first_uri(render_gate_sarif(a, one_violation(1, 3), {"", "docker://ghcr.io/acme/app:1.0"})),
            "ghcr.io/acme/app:1.0");
  EXPECT_EQ(first_uri(render_gate_sarif(a, one_violation(1, 3), {"", "/abs/app.tar"})), "file:///abs/app.tar");
  EXPECT_EQ(first_uri(render_gate_sarif(a, one_violation(1, 3), {"/abs/Dockerfile", ""})), "file:///abs/Dockerfile");
}

TEST(GateSarif, LevelsRulesAndFingerprints) {
  const Analysis a = lstest::fixture_analysis();
  json j = json::parse(render_gate_sarif(a, lstest::failing_gate(), {"Dockerfile", ""}));
  const auto& run = j["runs"][0];
  EXPECT_EQ(j["version"], "2.1.0");
  EXPECT_EQ(run["tool"]["driver"]["name"], "layerscope");
  const auto& rules = run["tool"]["driver"]["rules"];
  ASSERT_GE(rules.size(), rule_catalog().size());
  EXPECT_EQ(rules[0]["id"], rule_catalog()[0].id) << "finding rules first, in catalog order";
  std::map<std::string, std::string> level;
  for (const auto& r : run["results"]) {
    level[r["ruleId"]] = r["level"];
    EXPECT_EQ(rules[r["ruleIndex"].get<size_t>()]["id"], r["ruleId"]);
  }
  EXPECT_EQ(level["budget.content"], "error");
  EXPECT_EQ(level["secret-file"], "error");
  EXPECT_EQ(level["pip-cache"], "warning");
  EXPECT_EQ(level["duplicate-content"], "note");
  // A size check is an error whatever severity the violation carries.
  GateResult g = one_violation(1, 3);
  g.checks[0].violations[0].severity = Severity::kInfo;
  EXPECT_EQ(json::parse(render_gate_sarif(a, g, {}))["runs"][0]["results"][0]["level"], "error");
  // Fingerprints ignore the line: moving the instruction keeps the alert.
  auto fp = [&](int line) {
    return json::parse(render_gate_sarif(a, one_violation(1, line), {"Dockerfile", ""}))["runs"][0]["results"][0]
        ["partialFingerprints"]["layerscope/v1"];
  };
  EXPECT_EQ(fp(3), fp(30));
}

TEST(GateJunit, EscapesXmlAndDropsWhatXmlCannotHold) {
  GateResult g = one_violation(1, 3);
  g.checks[0].id = "a\"b<c>&d";
  g.checks[0].violations[0].message = "two\nlines \"quoted\" \x01 & <tag>";
  const std::string x = render_gate_junit(lstest::fixture_analysis(), g);
  EXPECT_NE(x.find("name=\"a&quot;b&lt;c&gt;&amp;d\""), std::string::npos) << x;
  EXPECT_NE(x.find("message=\"two lines &quot;quoted&quot;  &amp; &lt;tag&gt;\""), std::string::npos) << x;
  EXPECT_EQ(x.find('\x01'), std::string::npos);
}

TEST(GateJson, GateObjectComesLastWithIntegerBytes) {
  const Analysis a = lstest::fixture_analysis();
  json j = json::parse(render_json_with_gate(a, lstest::failing_gate()));
  ASSERT_TRUE(j.contains("gate"));
  EXPECT_EQ(j.items().begin().key(), "schema_version");
  EXPECT_EQ((--j.end()).key(), "gate");
  const auto& gate = j["gate"];
  EXPECT_FALSE(gate["passed"].get<bool>());
  EXPECT_EQ(gate["summary"]["failed"], 6);
  auto check = [&](const char* id) {
    for (const auto& c : gate["checks"]) {
      if (c["id"] == id) return c;
    }
    return json();
  };
  const auto content = check("budget.content");
  EXPECT_EQ(content["id"], "budget.content");
  EXPECT_EQ(content["status"], "fail");
  EXPECT_EQ(content["threshold"], "500.0 MB");
  EXPECT_EQ(content["threshold_bytes"], 500'000'000u);
  {
    // A binary-unit budget is reported exactly, though its printed threshold is rounded.
    Policy p;
    p.budget = {524'288'000, std::nullopt, std::nullopt};  // 500MiB
    json g = json::parse(render_json_with_gate(a, evaluate_gate(a, p)))["gate"];
    EXPECT_EQ(g["checks"][0]["id"], "budget.content");
    EXPECT_EQ(g["checks"][0]["threshold"], "524.3 MB");
    EXPECT_EQ(g["checks"][0]["threshold_bytes"], 524'288'000u);
  }
  EXPECT_EQ(content["actual_bytes"], a.totals.content_bytes);
  EXPECT_EQ(check("layer_budget.content")["actual_bytes"], 313'300'000u) << "largest layer";
  EXPECT_TRUE(check("budget.final")["actual_bytes"].is_number()) << "exact even when skipped";
  const auto findings = check("findings");
  EXPECT_FALSE(findings.contains("actual_bytes")) << "findings is not a size check";
  EXPECT_EQ(findings["violations"][0]["dockerfile_line"], 7);
  EXPECT_EQ(findings["violations"][0]["severity"], "error");
  EXPECT_EQ(findings["violations"][1]["severity"], "warning");
  EXPECT_TRUE(findings["violations"][2]["dockerfile_line"].is_null());
  EXPECT_EQ(content["violations"][0]["rule"], "pip-cache");
  EXPECT_EQ(content["violations"][0]["severity"], "error") << "it fails a budget";
  // The rest of the report is render_json's, unchanged.
  json plain = json::parse(render_json(a));
  j.erase("gate");
  EXPECT_EQ(j, plain);
}

TEST(GateMarkdown, CellsCannotBreakTheTable) {
  Analysis a = lstest::fixture_analysis();
  a.layers[0].instruction = "RUN echo `a|b` | tee <x>";
  const std::string md = render_gate_markdown(a, lstest::failing_gate(), {});
  EXPECT_NE(md.find("| ``RUN echo `a\\|b` \\| tee <x>`` |"), std::string::npos) << md;
  // Outside code spans '<' cannot open a tag; inside a code span it is literal already.
  EXPECT_NE(md.find("3 identical copies &lt;&&gt; of the same bytes"), std::string::npos);
  EXPECT_NE(md.find("`/usr/share/dup <&> \"q\" 'a'.bin`"), std::string::npos);
}

TEST(GateRenderers, AreDeterministicAndPure) {
  for (const auto& fx : lstest::gate_fixtures()) {
    EXPECT_EQ(render_gate_junit(fx.analysis, fx.gate), render_gate_junit(fx.analysis, fx.gate));
    EXPECT_EQ(render_gate_sarif(fx.analysis, fx.gate, fx.options), render_gate_sarif(fx.analysis, fx.gate, fx.options));
    EXPECT_EQ(render_gate_markdown(fx.analysis, fx.gate, fx.options),
              render_gate_markdown(fx.analysis, fx.gate, fx.options));
    EXPECT_EQ(render_gate_text(fx.analysis, fx.gate, fx.options), render_gate_text(fx.analysis, fx.gate, fx.options));
  }
}

TEST(GateText, NamesEachFailureAndOneLinePerPassingCheck) {
  const std::string t = render_gate_text(lstest::fixture_analysis(), lstest::failing_gate(), {"Dockerfile", ""});
  EXPECT_EQ(t.rfind("layerscope check: FAILED (6 of 10 checks failed", 0), 0u) << t;
  EXPECT_NE(t.find("FAIL  budget.content  Content size budget\n"), std::string::npos);
  EXPECT_NE(t.find("      - pip-cache (warning): 30 files"), std::string::npos);
  EXPECT_NE(t.find("        layer 3, Dockerfile:9  RUN pip install"), std::string::npos);
  EXPECT_NE(t.find("fix: use `pip install --no-cache-dir …` (or ENV PIP_NO_CACHE_DIR=1) (saves 135.2 MB)"),
            std::string::npos);
  EXPECT_NE(t.find("\npass  budget.compressed "), std::string::npos);
  EXPECT_NE(t.find("\nskip  budget.final               not configured\n"), std::string::npos);
}

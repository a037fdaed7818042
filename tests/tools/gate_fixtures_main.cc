// Writes every CI output of every gate fixture into a directory, for the schema validators
// (tests/e2e/ci_outputs.py) and the golden files (tools/update_golden.sh):
//   gate_fixtures OUTDIR  ->  OUTDIR/<fixture>.{junit.xml,sarif,md,json,annotations,txt}
#include <cstdio>
#include <fstream>
#include <string>

#include "layerscope/gate_report.h"
#include "support/gate_fixtures.h"

namespace {

bool write(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  if (!f.flush()) {
    std::fprintf(stderr, "gate_fixtures: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gate_fixtures OUTDIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  bool ok = true;
  for (const auto& fx : lstest::gate_fixtures()) {
    const std::string stem = dir + "/" + fx.name;
    ok &= write(stem + ".junit.xml", layerscope::render_gate_junit(fx.analysis, fx.gate));
    ok &= write(stem + ".sarif", layerscope::render_gate_sarif(fx.analysis, fx.gate, fx.options));
    ok &= write(stem + ".md", layerscope::render_gate_markdown(fx.analysis, fx.gate, fx.options));
    ok &= write(stem + ".json", layerscope::render_json_with_gate(fx.analysis, fx.gate));
    ok &= write(stem + ".annotations", layerscope::render_github_annotations(fx.analysis, fx.gate, fx.options));
    ok &= write(stem + ".txt", layerscope::render_gate_text(fx.analysis, fx.gate, fx.options));
  }
  return ok ? 0 : 1;
}

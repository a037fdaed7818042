// Hand-built analyses and gate results for the CI-output tests: every check status, every
// severity, violations with and without a Dockerfile line and a layer, and text that stresses
// each format's escaping (XML specials, pipes, backticks, '%', ':' and ',', newlines, control
// characters, invalid UTF-8). The same fixtures feed the unit tests, the schema validators
// and the golden files, so what is validated is exactly what is rendered.
#pragma once

#include <string>
#include <vector>

#include "layerscope/gate_report.h"

namespace lstest {

struct GateFixture {
  std::string name;  // file stem: "failing", "failing-nodockerfile", "passing", "misconfigured", "evaluated"
  layerscope::Analysis analysis;
  layerscope::GateResult gate;
  layerscope::SarifOptions options;
};

layerscope::Analysis fixture_analysis();
layerscope::GateResult failing_gate();       // budget, layer budget, findings (all severities), config
layerscope::GateResult passing_gate();       // passes and skips only
layerscope::GateResult misconfigured_gate(); // an invalid policy plus one failure
layerscope::Policy full_policy();            // every check configured, for evaluate_gate

std::vector<GateFixture> gate_fixtures();

}  // namespace lstest

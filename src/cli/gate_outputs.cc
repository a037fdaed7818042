#include "cli/gate_outputs.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>

#include "layerscope/error.h"

namespace layerscope::cli {

namespace {

struct FormatName {
  const char* name;
  GateFormat format;
};

constexpr FormatName kFormats[] = {
    {"junit", GateFormat::kJunit}, {"sarif", GateFormat::kSarif}, {"markdown", GateFormat::kMarkdown},
    {"json", GateFormat::kJson},   {"text", GateFormat::kText},
};

std::string format_list() {
  std::string s;
  for (const auto& f : kFormats) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}

void write_file(const std::string& path, const std::string& text, bool append) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  std::ofstream f(path, std::ios::binary | (append ? std::ios::app : std::ios::trunc));
  if (!f) throw Error(ErrorKind::kIo, path + ": cannot write: " + std::strerror(errno));
  f << text;
  if (!f.flush()) throw Error(ErrorKind::kIo, path + ": write failed");
}

}  // namespace

const char* gate_format_name(GateFormat f) {
  for (const auto& k : kFormats) {
    if (k.format == f) return k.name;
  }
  return "?";
}

OutputSpec parse_output_spec(const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos) {
    throw Error(ErrorKind::kUsage, "--output '" + spec + "': expected FORMAT=PATH, e.g. junit=report.xml (formats: " +
                                       format_list() + ")");
  }
  std::string name = spec.substr(0, eq);
  std::string path = spec.substr(eq + 1);
  for (const auto& k : kFormats) {
    if (name == k.name) {
      if (path.empty()) {
        throw Error(ErrorKind::kUsage, "--output '" + spec + "': no path after '=' (use - for stdout)");
      }
      return {k.format, path};
    }
  }
  throw Error(ErrorKind::kUsage,
              "--output '" + spec + "': unknown format '" + name + "' (formats: " + format_list() + ")");
}

std::vector<OutputSpec> parse_output_specs(const std::vector<std::string>& specs) {
  std::vector<OutputSpec> out;
  std::set<std::string> paths;
  for (const auto& s : specs) {
    OutputSpec o = parse_output_spec(s);
    if (!paths.insert(o.path).second) {
      throw Error(ErrorKind::kUsage, "--output '" + s + "': " + (o.path == "-" ? std::string("stdout") : o.path) +
                                         " is already the target of another --output");
    }
    out.push_back(std::move(o));
  }
  return out;
}

std::string render_gate_output(GateFormat f, const Analysis& a, const GateResult& g, const SarifOptions& o) {
  switch (f) {
    case GateFormat::kJunit: return render_gate_junit(a, g);
    case GateFormat::kSarif: return render_gate_sarif(a, g, o);
    case GateFormat::kMarkdown: return render_gate_markdown(a, g, o);
    case GateFormat::kJson: return render_json_with_gate(a, g);
    case GateFormat::kText: return render_gate_text(a, g, o);
  }
  throw Error(ErrorKind::kInternal, "unknown gate output format");
}

GithubEnv github_env_from_process() {
  GithubEnv env;
  const char* actions = std::getenv("GITHUB_ACTIONS");
  env.actions = actions != nullptr && std::strcmp(actions, "true") == 0;
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY")) env.step_summary = summary;
  return env;
}

void write_gate_outputs(const std::vector<std::string>& specs, bool github, const Analysis& a, const GateResult& g,
                        const SarifOptions& o, const GithubEnv& env, std::ostream& annotations) {
  const std::vector<OutputSpec> outputs = parse_output_specs(specs);
  for (const auto& out : outputs) write_file(out.path, render_gate_output(out.format, a, g, o), false);
  if (!(github || env.actions)) return;
  if (!env.step_summary.empty()) {
    // The summary file collects every step's Markdown: append, and keep a blank line
    // between our section and whatever the next step adds.
    write_file(env.step_summary, render_gate_markdown(a, g, o) + "\n", true);
  }
  annotations << render_github_annotations(a, g, o);
  annotations.flush();
}

void write_gate_outputs(const std::vector<std::string>& specs, bool github, const Analysis& a, const GateResult& g,
                        const SarifOptions& o, bool stdout_reserved) {
  for (const auto& s : parse_output_specs(specs)) stdout_reserved |= s.path == "-";
  write_gate_outputs(specs, github, a, g, o, github_env_from_process(), stdout_reserved ? std::cerr : std::cout);
}

}  // namespace layerscope::cli

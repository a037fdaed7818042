// One subcommand of the CLI. Each command lives in its own cmd_*.cc file, registers its
// options on construction and, when chosen, runs and returns the exit code. Commands only
// parse, call the library and render; the work happens in layerscope_core.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "layerscope/analysis.h"

namespace layerscope::cli {

class RunWatch;

class Command {
 public:
  virtual ~Command() = default;
  virtual CLI::App* app() const = 0;
  virtual int run() = 0;
};

// The options every command that reads an image shares.
struct ImageOptions {
  AnalyzeOptions analyze;
  bool no_verify = false;
  std::string max_layer_size;
  bool no_cache = false;
  std::string cache_dir;
  std::string cache_size;
  std::vector<std::string> build_args;  // --build-arg KEY=VALUE or KEY (from the environment)
  std::shared_ptr<LayerCache> cache;  // opened by resolve(), shared by every analysis of the command
  bool quiet = false;  // -q: no progress line
  bool stats = false;  // --stats: phase and layer timings on stderr after the run
  std::shared_ptr<RunWatch> watch;  // made by resolve() when something watches; else null

  void add_to(CLI::App* cmd, bool positional_required = true);
  // Everything but the positional image (for commands that take several images).
  void add_options_to(CLI::App* cmd);
  // Applies the string options (sizes) to `analyze`; throws Error(kUsage) on bad values.
  AnalyzeOptions resolve(const std::string& reference);
  // Runs `write` (render and write the report) timed as phase `phase`, after the progress
  // line is cleared; then prints the --stats table on stderr.
  void report(const std::function<void()>& write, const std::string& phase = "render");
};

// Writes to stdout, or to `path` when not empty or "-".
void write_output(const std::string& path, const std::string& text);

using CommandFactory = std::unique_ptr<Command> (*)(CLI::App&);

std::unique_ptr<Command> make_analyze_command(CLI::App& app);
std::unique_ptr<Command> make_tree_command(CLI::App& app);
std::unique_ptr<Command> make_check_command(CLI::App& app);
std::unique_ptr<Command> make_rules_command(CLI::App& app);
std::unique_ptr<Command> make_dockerignore_command(CLI::App& app);
std::unique_ptr<Command> make_du_command(CLI::App& app);
std::unique_ptr<Command> make_inspect_command(CLI::App& app);
std::unique_ptr<Command> make_diff_command(CLI::App& app);
std::unique_ptr<Command> make_record_command(CLI::App& app);
std::unique_ptr<Command> make_trend_command(CLI::App& app);

}  // namespace layerscope::cli

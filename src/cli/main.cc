// The layerscope command line: parse options, call the library, render, map to an exit code.
// Everything else lives in layerscope_core.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <new>

#include "cli/command.h"
#include "layerscope/error.h"
#include "layerscope_version.h"

namespace {

// The commands, in the order `--help` lists them.
constexpr layerscope::cli::CommandFactory kCommands[] = {
    layerscope::cli::make_analyze_command,
    layerscope::cli::make_tree_command,
    layerscope::cli::make_check_command,
    layerscope::cli::make_dockerignore_command,
    layerscope::cli::make_rules_command,
    layerscope::cli::make_du_command,
    layerscope::cli::make_inspect_command,
    layerscope::cli::make_diff_command,
    layerscope::cli::make_record_command,
    layerscope::cli::make_trend_command,
};

// One line on stderr, whatever the message holds.
void print_error(const std::string& text) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "layerscope: error: %s\n", line.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"layerscope " LAYERSCOPE_VERSION " — where the bytes of a container image go"};
  app.set_version_flag("--version", LAYERSCOPE_VERSION);
  app.require_subcommand(1);
  std::vector<std::unique_ptr<layerscope::cli::Command>> commands;
  for (auto make : kCommands) commands.push_back(make(app));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    print_error(e.what());
    return layerscope::kExitUsage;
  }
  // A command may own a progress line on stderr: it goes (with the command) before the error
  // is printed, so the message starts on a clean line.
  auto fail = [&commands](const std::string& text, int code) {
    commands.clear();
    print_error(text);
    return code;
  };
  try {
    for (auto& c : commands) {
      if (c->app()->parsed()) return c->run();
    }
    return fail("no command given", layerscope::kExitUsage);
  } catch (const layerscope::Error& e) {
    return fail(e.text(), layerscope::exit_code_for(e.kind()));
  } catch (const std::bad_alloc&) {
    return fail("out of memory", layerscope::kExitInput);
  } catch (const std::exception& e) {
    return fail(std::string("internal error: ") + e.what(), layerscope::kExitInput);
  }
}

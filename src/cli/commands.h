// Subcommand definitions. Each command registers its options on the CLI11 app and, when it
// is the one chosen, runs and returns the process exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "layerscope/analysis.h"
#include "layerscope/report.h"

namespace layerscope::cli {

class Commands {
 public:
  explicit Commands(CLI::App& app);
  int run();

 private:
  void add_image_options(CLI::App* cmd);
  int run_analyze();
  int run_tree();
  void write_output(const std::string& text) const;

  CLI::App& app_;
  CLI::App* analyze_ = nullptr;
  CLI::App* tree_ = nullptr;
  AnalyzeOptions options_;
  std::string format_ = "text";
  std::string output_;
  TreeOptions tree_options_;
  std::string sort_ = "size";
  bool no_verify_ = false;
  std::string max_layer_size_;
};

}  // namespace layerscope::cli

#include "cli/commands.h"

#include <cstdio>
#include <fstream>

#include "layerscope/error.h"
#include "util/units.h"

namespace layerscope::cli {

Commands::Commands(CLI::App& app) : app_(app) {
  analyze_ = app.add_subcommand("analyze", "Report where an image's bytes are, layer by layer");
  add_image_options(analyze_);
  analyze_->add_option("--format", format_, "Output format")->check(CLI::IsMember({"text", "json"}));
  analyze_->add_option("--top", options_.top_n, "How many of the largest files and directories to list");

  tree_ = app.add_subcommand("tree", "Browse the final filesystem, or one layer's changes, with sizes");
  add_image_options(tree_);
  tree_->add_option("--layer", tree_options_.layer, "Show this layer's own changes (0 = base) instead of the final tree");
  tree_->add_option("--path", tree_options_.path, "Start at this directory");
  tree_->add_option("--depth", tree_options_.depth, "Levels to print below the start (0 = all)");
  tree_->add_option("--sort", sort_, "Order siblings by size (largest first) or name")->check(CLI::IsMember({"size", "name"}));
  tree_->add_option("--limit", tree_options_.max_children, "Show at most N entries per directory (0 = all)");
}

void Commands::add_image_options(CLI::App* cmd) {
  cmd->add_option("image", options_.reference,
                  "Image: PATH, docker-archive:PATH[:NAME:TAG], oci:DIR[:REF], oci-archive:PATH[:REF], dir:PATH")
      ->required();
  cmd->add_option("--image", options_.image, "Which image of a multi-image archive or layout (NAME:TAG or ref name)");
  cmd->add_option("--platform", options_.platform, "Platform of a multi-platform image: os/arch[/variant]");
  cmd->add_option("-j,--jobs", options_.jobs, "Layers indexed in parallel (default: one per CPU)");
  cmd->add_flag("--no-verify", no_verify_, "Skip sha256 verification of blobs and diff_ids");
  cmd->add_option("--max-layer-size", max_layer_size_, "Refuse layers that inflate beyond this (default 256GiB)");
  cmd->add_option("--max-entries", options_.max_entries, "Refuse layers with more tar entries than this");
  cmd->add_option("-o,--output", output_, "Write the report to this file instead of stdout");
}

void Commands::write_output(const std::string& text) const {
  if (output_.empty() || output_ == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  std::ofstream f(output_, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(ErrorKind::kIo, output_ + ": cannot write the report");
  f << text;
  if (!f.flush()) throw Error(ErrorKind::kIo, output_ + ": write failed");
}

int Commands::run() {
  options_.verify = !no_verify_;
  if (!max_layer_size_.empty()) {
    auto v = parse_byte_size(max_layer_size_);
    if (!v) throw Error(ErrorKind::kUsage, "--max-layer-size: not a size: '" + max_layer_size_ + "'");
    options_.max_layer_bytes = *v;
  }
  if (analyze_->parsed()) return run_analyze();
  if (tree_->parsed()) return run_tree();
  throw Error(ErrorKind::kUsage, "no command given");
}

int Commands::run_analyze() {
  Analysis a = analyze(options_);
  write_output(format_ == "json" ? render_json(a) : render_text(a));
  return kExitOk;
}

int Commands::run_tree() {
  tree_options_.sort_by_size = sort_ == "size";
  Analysis a = analyze(options_);
  write_output(render_tree(a, tree_options_));
  return kExitOk;
}

}  // namespace layerscope::cli

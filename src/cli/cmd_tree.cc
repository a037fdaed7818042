#include "cli/command.h"
#include "layerscope/report.h"

namespace layerscope::cli {

namespace {

class TreeCommand : public Command {
 public:
  explicit TreeCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("tree", "Browse the final filesystem, or one layer's changes, with sizes");
    image_.add_to(app_);
    app_->add_option("--layer", tree_.layer, "Show this layer's own changes (0 = base) instead of the final tree");
    app_->add_option("--path", tree_.path, "Start at this directory");
    app_->add_option("--depth", tree_.depth, "Levels to print below the start (0 = all)");
    app_->add_option("--sort", sort_, "Order siblings by size (largest first) or name")
        ->check(CLI::IsMember({"size", "name"}));
    app_->add_option("--limit", tree_.max_children, "Show at most N entries per directory (0 = all)");
    app_->add_option("-o,--output", output_, "Write the tree to this file instead of stdout");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    tree_.sort_by_size = sort_ == "size";
    Analysis a = analyze(image_.resolve(image_.analyze.reference));
    image_.report([&] { write_output(output_, render_tree(a, tree_)); });
    return 0;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  TreeOptions tree_;
  std::string sort_ = "size";
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> make_tree_command(CLI::App& app) { return std::make_unique<TreeCommand>(app); }

}  // namespace layerscope::cli

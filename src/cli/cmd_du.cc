#include "cli/command.h"
#include "report/du_report.h"

namespace layerscope::cli {

namespace {

class DuCommand : public Command {
 public:
  explicit DuCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("du", "Bytes per directory at any depth, for the final tree or one layer");
    image_.add_to(app_);
    app_->add_option("--layer", du_.layer, "What this layer's tar holds (0 = base) instead of the final tree");
    app_->add_option("--path", du_.path, "Start at this directory");
    app_->add_option("--depth", du_.depth, "Levels below the start (0 = all; default 2)");
    app_->add_option("--sort", sort_, "Order subdirectories by size (largest first) or name")
        ->check(CLI::IsMember({"size", "name"}));
    app_->add_option("--format", format_, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
    app_->add_option("-o,--output", output_, "Write to this file instead of stdout");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    du_.sort_by_size = sort_ == "size";
    Analysis a = analyze(image_.resolve(image_.analyze.reference));
    image_.report([&] { write_output(output_, format_ == "json" ? render_du_json(a, du_) : render_du_text(a, du_)); });
    return 0;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  DuOptions du_;
  std::string sort_ = "size";
  std::string format_ = "text";
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> make_du_command(CLI::App& app) { return std::make_unique<DuCommand>(app); }

}  // namespace layerscope::cli

#include "cli/command.h"
#include "layerscope/inspect.h"

namespace layerscope::cli {

namespace {

// `inspect REF`: manifests and configs only, every platform of an index; no layer blob is read.
class InspectCommand : public Command {
 public:
  explicit InspectCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("inspect",
                                 "Show an image's platforms, layer sizes and config from its manifests alone "
                                 "(no layer is downloaded)");
    image_.add_to(app_);
    app_->add_option("--format", format_, "Output format: text or json")->check(CLI::IsMember({"text", "json"}));
    app_->add_option("-o,--output", output_, "Write to this file instead of stdout");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    Inspection in = inspect(image_.resolve(image_.analyze.reference));
    image_.report([&] { write_output(output_, format_ == "json" ? render_inspect_json(in) : render_inspect_text(in)); });
    return 0;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  std::string format_ = "text";
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> make_inspect_command(CLI::App& app) { return std::make_unique<InspectCommand>(app); }

}  // namespace layerscope::cli

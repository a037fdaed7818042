#include "cli/command.h"
#include "layerscope/diff.h"
#include "layerscope/error.h"
#include "util/units.h"

namespace layerscope::cli {

namespace {

class DiffCommand : public Command {
 public:
  explicit DiffCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("diff", "Compare two images: what grew or shrank, layer by layer, down to files");
    app_->add_option("old", old_, "OLD image (any reference `analyze` accepts)")->required();
    app_->add_option("new", new_, "NEW image; every delta is NEW minus OLD")->required();
    image_.add_options_to(app_);
    app_->add_option("--format", format_, "Output format: text, json or markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}));
    app_->add_option("--depth", render_.depth, "Levels of the directory tree to show (0 = all)")
        ->check(CLI::NonNegativeNumber);
    app_->add_option("--files", render_.max_files, "Changed files to list, largest first (0 = all)");
    app_->add_option("--budget", budget_, "Fail (exit 1) when NEW's content size is over this, e.g. 500MB");
    app_->add_option("-o,--output", output_, "Write the report to this file instead of stdout");
    app_->add_option("--old-dockerfile", old_dockerfile_, "The Dockerfile OLD was built from (--dockerfile is NEW's)");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    std::optional<uint64_t> budget;
    if (!budget_.empty()) {
      budget = parse_byte_size(budget_);
      if (!budget) throw Error(ErrorKind::kUsage, "--budget: not a size: '" + budget_ + "'");
    }
    DiffRequest request;
    request.old_image = image_.resolve(old_);
    request.new_image = image_.resolve(new_);
    // --dockerfile describes the build under review (NEW); OLD has its own, if any.
    request.old_image.dockerfile = old_dockerfile_;
    request.old_image.build_args.clear();  // they describe NEW's build, as --dockerfile does
    request.old_image.target.clear();
    // The on-disk layer cache when one is configured; otherwise diff_images shares an
    // in-memory one between the two analyses.
    request.cache = request.old_image.cache;
    DiffRun run = diff_images(request);
    if (budget) apply_budget(run.diff, *budget);
    image_.report([&] {
      std::string out = format_ == "json"       ? render_diff_json(run.diff, render_)
                        : format_ == "markdown" ? render_diff_markdown(run.diff, render_)
                                                : render_diff_text(run.diff, render_);
      write_output(output_, out);
    });
    return run.diff.budget && run.diff.budget->exceeded ? kExitGateFailed : kExitOk;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  std::string old_, new_;
  std::string old_dockerfile_;
  std::string format_ = "text";
  DiffRenderOptions render_;
  std::string budget_;
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> make_diff_command(CLI::App& app) { return std::make_unique<DiffCommand>(app); }

}  // namespace layerscope::cli

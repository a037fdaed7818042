#include "cli/command.h"
#include "layerscope/error.h"
#include "layerscope/inspect.h"
#include "layerscope/report.h"
#include "util/units.h"

namespace layerscope::cli {

namespace {

class AnalyzeCommand : public Command {
 public:
  explicit AnalyzeCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("analyze", "Report where an image's bytes are, layer by layer");
    image_.add_to(app_);
    app_->add_option("--format", format_, "Output format: text, json or html (one self-contained page)")
        ->check(CLI::IsMember({"text", "json", "html"}));
    app_->add_option("--top", image_.analyze.top_n, "How many of the largest files and directories to list");
    app_->add_option("-o,--output", output_, "Write the report to this file instead of stdout");
    app_->add_option("--finding-paths", image_.analyze.rules.max_paths,
                     "Paths listed per finding (default 5; 0 lists them all)");
    app_->add_option("--budget", budget_, "Size budget (content size), e.g. 500MB or 0.5GiB: project the size after every fix");
    app_->add_flag("--all-platforms", all_platforms_,
                   "Analyse every platform of a multi-platform image: one row each (JSON: an array of reports)")
        ->excludes("--platform");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    if (all_platforms_ && format_ == "html") {
      throw Error(ErrorKind::kUsage, "--format html covers one image: use --platform instead of --all-platforms");
    }
    AnalyzeOptions o = image_.resolve(image_.analyze.reference);
    if (!budget_.empty()) {
      auto b = parse_byte_size(budget_);
      if (!b) throw Error(ErrorKind::kUsage, "--budget: not a size: '" + budget_ + "' (try 500MB or 0.5GiB)");
      o.budget_bytes = *b;
    }
    if (all_platforms_) {
      auto all = analyze_all_platforms(o);
      image_.report([&] {
        write_output(output_, format_ == "json" ? render_platforms_json(all) : render_platforms_text(all));
      });
      return 0;
    }
    Analysis a = analyze(o);
    image_.report([&] {
      write_output(output_, format_ == "json" ? render_json(a) : format_ == "html" ? render_html(a) : render_text(a));
    });
    return 0;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  std::string format_ = "text";
  std::string output_;
  std::string budget_;
  bool all_platforms_ = false;
};

}  // namespace

std::unique_ptr<Command> make_analyze_command(CLI::App& app) { return std::make_unique<AnalyzeCommand>(app); }

}  // namespace layerscope::cli

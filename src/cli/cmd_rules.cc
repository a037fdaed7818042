// `layerscope rules`: the rule catalog (ids, default severities, what each detects), the
// ids a policy file's `rules:` section and allowlists refer to.
#include <fmt/format.h>

#include "cli/command.h"
#include "layerscope/findings.h"

namespace layerscope::cli {

namespace {

class RulesCommand : public Command {
 public:
  explicit RulesCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("rules", "List the bloat and hygiene rules with their default severities");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    std::string out = fmt::format("{:<18} {:<8} {}\n", "rule", "severity", "detects");
    for (const auto& r : rule_catalog()) {
      out += fmt::format("{:<18} {:<8} {}: {}\n", r.id, severity_name(r.default_severity), r.title, r.help);
    }
    write_output("", out);
    return 0;
  }

 private:
  CLI::App* app_;
};

// `layerscope dockerignore IMAGE`: the .dockerignore lines that would have kept build-context
// junk (tests, .git, .env, caches) out of the image's COPY/ADD layers, with what each saves.
class DockerignoreCommand : public Command {
 public:
  explicit DockerignoreCommand(CLI::App& parent) {
    app_ = parent.add_subcommand("dockerignore", "Suggest .dockerignore lines for build-context junk found in COPY/ADD layers");
    image_.add_to(app_);
    app_->add_option("-o,--output", output_, "Write the lines to this file instead of stdout");
  }
  CLI::App* app() const override { return app_; }
  int run() override {
    Analysis a = analyze(image_.resolve(image_.analyze.reference));
    image_.report([&] {
      std::string out = "# .dockerignore suggested by layerscope for " + a.image.reference + "\n";
      if (a.dockerignore.empty()) out += "# nothing to add: no build-context junk found in COPY/ADD layers\n";
      for (const auto& s : a.dockerignore) {
        out += fmt::format("{:<20} # {} bytes in {} files: {}\n", s.pattern, s.bytes, s.files, s.reason);
      }
      write_output(output_, out);
    });
    return 0;
  }

 private:
  CLI::App* app_;
  ImageOptions image_;
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> make_rules_command(CLI::App& app) { return std::make_unique<RulesCommand>(app); }
std::unique_ptr<Command> make_dockerignore_command(CLI::App& app) { return std::make_unique<DockerignoreCommand>(app); }

}  // namespace layerscope::cli

// Rules over the image config, the production checklist these images are judged by:
//   root-user:      no USER (or USER root / 0): the process runs as root.
//   no-healthcheck: no HEALTHCHECK. OCI image configs have no field for it, so an image
//                   converted to OCI format loses its health check; the message says so.
#include "rules/rule_context.h"

namespace layerscope::rules {

void rule_root_user(const RuleContext& ctx, std::vector<Finding>& out) {
  const std::string& user = ctx.analysis.image.config.user;
  std::string name = user.substr(0, user.find(':'));
  if (!name.empty() && name != "root" && name != "0") return;
  Finding f = ctx.make(-1, {}, user.empty() ? "the image runs as root: its config sets no USER"
                                            : "the image runs as root (USER " + user + ")",
                       "create an unprivileged user and switch to it after the installs: `RUN useradd --create-home "
                       "app` then `USER app`");
  out.push_back(std::move(f));
}

void rule_no_healthcheck(const RuleContext& ctx, std::vector<Finding>& out) {
  if (ctx.analysis.image.config.has_healthcheck) return;
  std::string msg = "the image config has no HEALTHCHECK";
  // An OCI config, wherever it was read from (a layout, or a registry that was pushed one).
  const ImageInfo& im = ctx.analysis.image;
  if (im.transport == "oci" || im.transport == "oci-archive" ||
      im.config_media_type == "application/vnd.oci.image.config.v1+json") {
    msg += " (OCI image configs cannot carry one: a check defined in the Dockerfile is dropped on conversion)";
  }
  out.push_back(ctx.make(-1, {}, std::move(msg),
                         "add one, e.g. `HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS "
                         "http://127.0.0.1:8000/health || exit 1`, or define the probe in your orchestrator"));
}

}  // namespace layerscope::rules

#include "report/config_json.h"

namespace layerscope {

nlohmann::ordered_json image_config_json(const ImageConfig& c, bool with_platform) {
  using json = nlohmann::ordered_json;
  json j;
  if (with_platform) {
    j["os"] = c.os;
    j["architecture"] = c.architecture;
    j["variant"] = c.variant;
  }
  j["user"] = c.user;
  j["working_dir"] = c.working_dir;
  j["entrypoint"] = c.entrypoint;
  j["cmd"] = c.cmd;
  j["exposed_ports"] = c.exposed_ports;
  j["healthcheck"] = c.has_healthcheck ? json{{"test", c.healthcheck_test}} : json(nullptr);
  j["env_names"] = c.env_names;
  json labels = json::object();
  for (const auto& [k, v] : c.labels) labels[k] = v;
  j["labels"] = labels;
  j["created"] = c.created;
  return j;
}

}  // namespace layerscope

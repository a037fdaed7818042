// Renderers for `inspect`: JSON (fixed key order, integer bytes, like the analysis report)
// and a text summary per platform. Sizes in text are SI (1 MB = 1,000,000 bytes).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "attrib/instruction.h"
#include "layerscope/inspect.h"
#include "layerscope/report.h"
#include "layerscope_version.h"
#include "report/config_json.h"
#include "report/text_util.h"
#include "util/digest.h"
#include "util/units.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

std::string join_command(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : " ") + p;
  return s;
}


json platform_json(const PlatformImage& p) {
  json j;
  j["platform"] = p.platform;
  j["name"] = p.name;
  j["manifest_digest"] = p.manifest_digest;
  j["config_digest"] = p.config_digest;
  j["compressed_bytes"] = p.compressed_bytes;
  json layers = json::array();
  for (size_t i = 0; i < p.layers.size(); ++i) {
    const auto& l = p.layers[i];
    layers.push_back({{"index", i},
                      {"digest", l.digest},
                      {"diff_id", l.diff_id},
                      {"media_type", l.media_type},
                      {"compressed_bytes", l.compressed_bytes ? json(*l.compressed_bytes) : json(nullptr)}});
  }
  j["layers"] = layers;
  j["config"] = image_config_json(p.config, true);
  json history = json::array();
  for (const auto& h : p.config.history) {
    history.push_back({{"created_by", h.created_by}, {"empty_layer", h.empty_layer}, {"layer", h.layer}});
  }
  j["history"] = history;
  return j;
}

}  // namespace

std::string render_inspect_json(const Inspection& in) {
  json j;
  j["schema_version"] = kJsonSchemaVersion;
  j["tool"] = {{"name", "layerscope"}, {"version", LAYERSCOPE_VERSION}};
  j["reference"] = in.reference;
  j["transport"] = in.transport;
  j["layout"] = in.layout;
  json platforms = json::array();
  for (const auto& p : in.images) platforms.push_back(platform_json(p));
  j["platforms"] = platforms;
  json diags = json::array();
  for (const auto& d : in.diagnostics) {
    diags.push_back({{"code", d.code}, {"message", d.message}, {"layer", d.layer}, {"path", d.path}});
  }
  j["diagnostics"] = diags;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string render_inspect_text(const Inspection& in) {
  std::string out;
  out += fmt::format("Image      {}\n", in.reference);
  out += fmt::format("           {} / {}, {} image{}  (sizes: 1 MB = 1,000,000 bytes)\n", in.transport, in.layout,
                     in.images.size(), in.images.size() == 1 ? "" : "s");
  if (in.images.size() > 1) {
    out += "\n  platform              layers  compressed  manifest\n";
    for (const auto& p : in.images) {
      out += fmt::format("  {:<20} {:>7}  {:>10}  {}\n", fit(p.platform.empty() ? "?" : p.platform, 20), p.layers.size(),
                         human_bytes(p.compressed_bytes), short_digest(p.manifest_digest));
    }
  }
  for (const auto& p : in.images) {
    const ImageConfig& c = p.config;
    out += fmt::format("\nPlatform   {}  {}\n", p.platform.empty() ? "?" : p.platform, p.name.empty() ? "(untagged)" : p.name);
    out += fmt::format("           manifest {}  config {}\n",
                       p.manifest_digest.empty() ? "(none)" : short_digest(p.manifest_digest), short_digest(p.config_digest));
    std::string health = c.has_healthcheck ? fit(join_command(c.healthcheck_test), 60) : "none";
    out += fmt::format("Config     user: {}  healthcheck: {}\n", c.user.empty() ? "root (no USER)" : c.user, health);
    if (!c.entrypoint.empty()) out += fmt::format("           entrypoint: {}\n", fit(join_command(c.entrypoint), 90));
    if (!c.cmd.empty()) out += fmt::format("           cmd: {}\n", fit(join_command(c.cmd), 90));
    if (!c.exposed_ports.empty()) {
      std::string ports;
      for (const auto& x : c.exposed_ports) ports += (ports.empty() ? "" : " ") + x;
      out += fmt::format("           ports: {}\n", ports);
    }
    if (!c.created.empty()) out += fmt::format("           created: {}\n", c.created);
    out += fmt::format("Layers     {} layers, {} compressed\n", p.layers.size(), human_bytes(p.compressed_bytes));
    for (size_t i = 0; i < p.layers.size(); ++i) {
      const auto& l = p.layers[i];
      std::string instruction;
      for (const auto& h : c.history) {
        if (h.layer == static_cast<int>(i)) instruction = clean_instruction(h.created_by);
      }
      // Layouts without blob digests (docker-save) are named by their diff_id.
      std::string id = l.digest.empty() ? "diff " + short_digest(l.diff_id) : short_digest(l.digest);
      out += fmt::format("  {:>3}  {:<24} {:>10}  {}\n", i, id,
                         l.compressed_bytes ? human_bytes(*l.compressed_bytes) : "?",
                         instruction.empty() ? "(missing)" : fit(instruction, 80));
    }
    size_t empty = 0;
    for (const auto& h : c.history) empty += h.empty_layer;
    out += fmt::format("History    {} entries, {} without a layer\n", c.history.size(), empty);
    for (const auto& h : c.history) {
      std::string where = h.empty_layer ? "-" : std::to_string(h.layer);
      out += fmt::format("  {:>3}  {}\n", where, fit(clean_instruction(h.created_by), 100));
    }
  }
  for (const auto& d : in.diagnostics) out += fmt::format("\nnote: {}\n", d.message);
  return out;
}

}  // namespace layerscope

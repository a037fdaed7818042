// The image config (OCI image-spec config.md; Docker's image JSON is a superset). Only the
// fields the analysis uses are kept; environment variable values are dropped on purpose,
// since they routinely hold secrets and must never reach a report.
#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "source/resolved.h"
#include "util/digest.h"
#include "util/json.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

std::string get_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::vector<std::string> get_strings(const json& obj, const char* key) {
  std::vector<std::string> out;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

}  // namespace

ImageConfig parse_image_config(const std::string& bytes, const std::string& what) {
  json doc = parse_json(bytes, what);
  if (!doc.is_object()) throw Error(ErrorKind::kFormat, what + ": image config is not a JSON object");
  ImageConfig c;
  c.os = get_string(doc, "os");
  c.architecture = get_string(doc, "architecture");
  c.variant = get_string(doc, "variant");
  c.created = get_string(doc, "created");
  auto cfg = doc.find("config");
  if (cfg != doc.end() && cfg->is_object()) {
    c.user = get_string(*cfg, "User");
    c.working_dir = get_string(*cfg, "WorkingDir");
    c.entrypoint = get_strings(*cfg, "Entrypoint");
    c.cmd = get_strings(*cfg, "Cmd");
    for (const auto& env : get_strings(*cfg, "Env")) c.env_names.push_back(env.substr(0, env.find('=')));
    auto ports = cfg->find("ExposedPorts");
    if (ports != cfg->end() && ports->is_object()) {
      for (auto it = ports->begin(); it != ports->end(); ++it) c.exposed_ports.push_back(it.key());
    }
    auto hc = cfg->find("Healthcheck");
    if (hc != cfg->end() && hc->is_object()) {
      c.healthcheck_test = get_strings(*hc, "Test");
      // ["NONE"] disables a health check inherited from the base image.
      c.has_healthcheck = !c.healthcheck_test.empty() && c.healthcheck_test[0] != "NONE";
    }
    auto labels = cfg->find("Labels");
    if (labels != cfg->end() && labels->is_object()) {
      for (auto it = labels->begin(); it != labels->end(); ++it) {
        if (it->is_string()) c.labels.emplace_back(it.key(), it->get<std::string>());
      }
    }
  }
  auto rootfs = doc.find("rootfs");
  if (rootfs == doc.end() || !rootfs->is_object()) {
    throw Error(ErrorKind::kFormat, what + ": image config has no rootfs");
  }
  auto ids = rootfs->find("diff_ids");
  if (ids == rootfs->end() || !ids->is_array()) {
    throw Error(ErrorKind::kFormat, what + ": image config has no rootfs.diff_ids");
  }
  for (const auto& id : *ids) {
    if (!id.is_string()) throw Error(ErrorKind::kFormat, what + ": rootfs.diff_ids holds a non-string");
    c.diff_ids.push_back(parse_digest(id.get<std::string>(), what + ": rootfs.diff_ids").str());
  }
  auto history = doc.find("history");
  if (history != doc.end() && history->is_array()) {
    for (const auto& h : *history) {
      if (!h.is_object()) continue;
      HistoryEntry e;
      e.created = get_string(h, "created");
      e.created_by = get_string(h, "created_by");
      e.comment = get_string(h, "comment");
      auto empty = h.find("empty_layer");
      e.empty_layer = empty != h.end() && empty->is_boolean() && empty->get<bool>();
      c.history.push_back(std::move(e));
    }
  }
  return c;
}

std::string read_verified(const BlobStore& store, const std::string& path, const std::string& digest,
                          std::optional<uint64_t> size, const std::string& what) {
  if (!store.exists(path)) {
    throw Error(ErrorKind::kNotFound, what + ": blob " + path + " is missing from " + store.describe());
  }
  // Why: a descriptor promising a 200 MB manifest or config is refused on its word, before
  // 64 MiB are read and hashed only to fail on the metadata cap.
  if (size && *size > kMaxMetadataBytes) {
    throw Error(ErrorKind::kLimit, what + ": the descriptor says " + std::to_string(*size) + " bytes, over the " +
                                       std::to_string(kMaxMetadataBytes) + "-byte limit for metadata");
  }
  std::string bytes = store.read_small(path);
  if (size && bytes.size() != *size) {
    throw Error(ErrorKind::kDigest, what + ": blob " + path + " is " + std::to_string(bytes.size()) +
                                        " bytes, the descriptor says " + std::to_string(*size));
  }
  if (!digest.empty()) {
    Digest want = parse_digest(digest, what);
    Digest got = digest_of(bytes, want.algorithm);
    if (got != want) {
      throw Error(ErrorKind::kDigest, what + ": digest mismatch for " + path + ": expected " + want.str() +
                                          ", content hashes to " + got.str());
    }
  }
  return bytes;
}

std::string normalize_docker_name(const std::string& name) {
  std::string n = name;
  auto at = n.find('@');
  std::string digest;
  if (at != std::string::npos) {
    digest = n.substr(at);
    n = n.substr(0, at);
  }
  auto slash = n.find('/');
  std::string first = slash == std::string::npos ? "" : n.substr(0, slash);
  bool has_registry = !first.empty() && (first.find('.') != std::string::npos ||
                                         first.find(':') != std::string::npos || first == "localhost");
  if (!has_registry) n = (slash == std::string::npos ? "docker.io/library/" : "docker.io/") + n;
  auto last_slash = n.rfind('/');
  if (digest.empty() && n.find(':', last_slash) == std::string::npos) n += ":latest";
  return n + digest;
}

std::string host_platform() {
#if defined(__aarch64__)
  return "linux/arm64";
#elif defined(__x86_64__)
  return "linux/amd64";
#else
  return "linux/unknown";
#endif
}

}  // namespace layerscope

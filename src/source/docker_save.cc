// `docker save` archives.
//
// manifest.json (written since Docker 1.10) is a JSON array, one object per image:
//   {"Config": "<file>", "RepoTags": ["name:tag"] | null, "Layers": ["<file>", …],
//    "LayerSources": {"<digest>": <descriptor>}?}
// Layer files are `<id>/layer.tar` (legacy), `<diffid>.tar` (skopeo), `<digest>.tar.gz`
// (kaniko / go-containerregistry, gzip layers) or `blobs/sha256/<hex>` (Docker 25+, which
// nests an OCI image layout in the save). Files named by a digest are verified against it.
//
// Before Docker 1.10 there was no manifest.json: `repositories` maps name -> tag -> top
// layer id, and each `<id>/json` names its `parent`. That layout is still read; its layers
// are the parent chain, base first.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "layerscope/error.h"
#include "source/resolved.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/path.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

// "blobs/sha256/<hex>" -> "sha256:<hex>", "sha256:<hex>" -> itself, "<hex>.json" (config
// files of docker save) -> "sha256:<hex>"; "" when the name is not content-addressed.
std::string digest_from_name(const std::string& path) {
  auto parts = split_path(path);
  if (parts.size() == 3 && parts[0] == "blobs") {
    std::string d = std::string(parts[1]) + ":" + std::string(parts[2]);
    return looks_like_digest(d) ? d : "";
  }
  if (looks_like_digest(path)) return path;
  if (path.size() == 69 && path.substr(64) == ".json" && looks_like_digest("sha256:" + path.substr(0, 64))) {
    return "sha256:" + path.substr(0, 64);
  }
  return "";
}

// Only the OCI layout's "blobs/<alg>/<hex>" is a verified content address.
std::string blob_digest_from_name(const std::string& path) {
  return path.rfind("blobs/", 0) == 0 ? digest_from_name(path) : "";
}

std::string describe_entry(const json& entry, size_t i) {
  auto tags = entry.find("RepoTags");
  if (tags != entry.end() && tags->is_array() && !tags->empty() && (*tags)[0].is_string()) {
    return (*tags)[0].get<std::string>();
  }
  auto cfg = entry.find("Config");
  std::string c = cfg != entry.end() && cfg->is_string() ? cfg->get<std::string>() : "?";
  return "image " + std::to_string(i) + " (config " + std::string(base_name(c)).substr(0, 19) + ")";
}

bool entry_matches(const json& entry, const std::string& wanted, size_t i) {
  std::string norm = normalize_docker_name(wanted);
  auto tags = entry.find("RepoTags");
  if (tags != entry.end() && tags->is_array()) {
    for (const auto& t : *tags) {
      if (t.is_string() && (t.get<std::string>() == wanted || normalize_docker_name(t.get<std::string>()) == norm)) {
        return true;
      }
    }
  }
  auto cfg = entry.find("Config");
  if (cfg != entry.end() && cfg->is_string()) {
    std::string d = digest_from_name(cfg->get<std::string>());
    std::string w = wanted.rfind("sha256:", 0) == 0 ? wanted.substr(7) : wanted;
    if (!d.empty() && w.size() >= 12 && d.substr(7, w.size()) == w) return true;
  }
  return wanted == "#" + std::to_string(i);
}

ResolvedImage resolve_v1(const BlobStore& store, const SelectOptions& select);

}  // namespace

ResolvedImage resolve_docker_save(const BlobStore& store, const SelectOptions& select) {
  if (!store.exists("manifest.json")) return resolve_v1(store, select);
  const std::string what = store.describe() + ": manifest.json";
  json doc = parse_json(store.read_small("manifest.json"), what);
  if (doc.is_null()) throw Error(ErrorKind::kFormat, what + ": is null, not a list of images");
  if (!doc.is_array()) throw Error(ErrorKind::kFormat, what + ": is not a JSON array of images");
  if (doc.empty()) throw Error(ErrorKind::kFormat, what + ": lists no images");

  ResolvedImage img;
  img.info.transport = "docker-archive";
  img.info.layout = store.exists("index.json") ? "docker-save-oci" : "docker-save";
  for (size_t i = 0; i < doc.size(); ++i) {
    if (!doc[i].is_object()) throw Error(ErrorKind::kFormat, what + ": entry " + std::to_string(i) + " is not an object");
    img.info.available.push_back(describe_entry(doc[i], i));
  }
  size_t chosen = 0;
  if (!select.image.empty()) {
    chosen = doc.size();
    for (size_t i = 0; i < doc.size() && chosen == doc.size(); ++i) {
      if (entry_matches(doc[i], select.image, i)) chosen = i;
    }
    if (chosen == doc.size()) {
      std::string list;
      for (const auto& a : img.info.available) list += (list.empty() ? "" : ", ") + a;
      throw Error(ErrorKind::kNotFound, what + ": no image matches '" + select.image + "' (available: " + list + ")");
    }
  } else if (doc.size() > 1) {
    img.diagnostics.push_back({"multiple-images",
                               "the archive holds " + std::to_string(doc.size()) + " images; analysed the first (" +
                                   img.info.available[0] + "); choose another with --image",
                               -1, ""});
  }
  const json& entry = doc[chosen];
  std::string prefix = what + ": entry " + std::to_string(chosen);
  auto cfg = entry.find("Config");
  if (cfg == entry.end() || !cfg->is_string()) throw Error(ErrorKind::kFormat, prefix + ": no \"Config\" file");
  auto layers = entry.find("Layers");
  if (layers == entry.end() || !layers->is_array()) throw Error(ErrorKind::kFormat, prefix + ": no \"Layers\" list");
  auto tags = entry.find("RepoTags");
  if (tags != entry.end() && tags->is_array() && !tags->empty() && (*tags)[0].is_string()) {
    img.info.name = (*tags)[0].get<std::string>();
  }

  // Only blobs/<alg>/<hex> names are content addresses by specification (OCI
  // image-layout.md); "<hex>.json" and "sha256:<hex>" config names are conventions that
  // hand-made archives do not always keep, so a mismatch there is a note, not an error.
  std::string config_path = clean_entry_path(cfg->get<std::string>()).path;
  std::string config_digest = blob_digest_from_name(store.canonical(config_path));
  img.config_bytes = read_verified(store, config_path, config_digest, std::nullopt, store.describe() + ": config");
  img.info.config_digest = digest_of(img.config_bytes).str();
  std::string named = digest_from_name(config_path);
  if (!named.empty() && config_digest.empty() && named != img.info.config_digest) {
    img.diagnostics.push_back({"config-name-mismatch",
                               "config file '" + config_path + "' is not named after its sha256 (" +
                                   img.info.config_digest + ")",
                               -1, config_path});
  }

  // Docker 25+ also records each layer's descriptor, keyed by digest.
  std::map<std::string, json> sources;
  auto ls = entry.find("LayerSources");
  if (ls != entry.end() && ls->is_object()) {
    for (auto it = ls->begin(); it != ls->end(); ++it) sources[it.key()] = it.value();
  }
  for (const auto& l : *layers) {
    if (!l.is_string()) throw Error(ErrorKind::kFormat, prefix + ": a \"Layers\" item is not a string");
    LayerRef ref;
    ref.path = clean_entry_path(l.get<std::string>()).path;
    ref.digest = blob_digest_from_name(ref.path);
    if (ref.digest.empty()) ref.digest = blob_digest_from_name(store.canonical(ref.path));
    auto src = sources.find(ref.digest);
    if (src != sources.end() && src->second.is_object()) {
      auto mt = src->second.find("mediaType");
      if (mt != src->second.end() && mt->is_string()) ref.media_type = mt->get<std::string>();
      auto sz = src->second.find("size");
      if (sz != src->second.end() && sz->is_number_unsigned()) ref.size = sz->get<uint64_t>();
    }
    img.layers.push_back(std::move(ref));
  }
  return img;
}

namespace {

// Pre-1.10 layout: repositories -> top layer id -> parent chain.
ResolvedImage resolve_v1(const BlobStore& store, const SelectOptions& select) {
  if (!store.exists("repositories")) {
    throw Error(ErrorKind::kFormat, store.describe() +
                                        ": not a container image: no manifest.json, index.json or repositories file");
  }
  const std::string what = store.describe() + ": repositories";
  json repos = parse_json(store.read_small("repositories"), what);
  if (!repos.is_object() || repos.empty()) throw Error(ErrorKind::kFormat, what + ": names no images");
  ResolvedImage img;
  img.info.transport = "docker-archive";
  img.info.layout = "docker-save-v1";
  std::string top;
  for (auto r = repos.begin(); r != repos.end(); ++r) {
    if (!r->is_object()) continue;
    for (auto t = r->begin(); t != r->end(); ++t) {
      if (!t->is_string()) continue;
      std::string name = r.key() + ":" + t.key();
      img.info.available.push_back(name);
      bool wanted = select.image.empty() ? top.empty()
                                         : (name == select.image || normalize_docker_name(name) == normalize_docker_name(select.image));
      if (wanted && top.empty()) {
        top = t->get<std::string>();
        img.info.name = name;
      }
    }
  }
  if (top.empty()) {
    throw Error(select.image.empty() ? ErrorKind::kFormat : ErrorKind::kNotFound,
                what + (select.image.empty() ? ": names no images" : ": no image matches '" + select.image + "'"));
  }
  // Walk the parent chain from the top layer down, then reverse.
  std::vector<std::string> chain;
  std::set<std::string> seen;
  json top_json;
  for (std::string id = top; !id.empty();) {
    if (!seen.insert(id).second || seen.size() > 4096) throw Error(ErrorKind::kFormat, what + ": layer parent chain loops");
    if (id.find('/') != std::string::npos || id.find("..") != std::string::npos) {
      throw Error(ErrorKind::kFormat, what + ": invalid layer id '" + id.substr(0, 80) + "'");
    }
    json v1 = parse_json(store.read_small(id + "/json"), store.describe() + ": " + id + "/json");
    if (chain.empty()) top_json = v1;
    chain.push_back(id);
    auto parent = v1.find("parent");
    id = parent != v1.end() && parent->is_string() ? parent->get<std::string>() : "";
  }
  std::reverse(chain.begin(), chain.end());
  for (const auto& id : chain) img.layers.push_back(LayerRef{id + "/layer.tar", "", "", std::nullopt});

  // An image config may sit beside the layers (docker save of that era wrote one); take it
  // when its diff_ids fit, else synthesize one from the v1 JSON.
  for (const auto& f : store.top_level_files()) {
    if (f.size() != 69 || f.substr(64) != ".json") continue;
    std::string bytes = store.read_small(f);
    try {
      ImageConfig c = parse_image_config(bytes, store.describe() + ": " + f);
      if (c.diff_ids.size() == chain.size()) {
        img.config_bytes = bytes;
        img.info.config_digest = digest_of(bytes).str();
        return img;
      }
    } catch (const Error&) {
      // not a config; keep looking
    }
  }
  json cfg = json::object();
  for (const char* k : {"architecture", "os", "created", "config"}) {
    if (top_json.contains(k)) cfg[k] = top_json[k];
  }
  cfg["rootfs"] = {{"type", "layers"}, {"diff_ids", json::array()}};
  cfg["history"] = json::array();
  img.config_bytes = cfg.dump();
  img.diagnostics.push_back({"legacy-v1-layout",
                             "pre-Docker-1.10 save without manifest.json: layers follow the parent chain; "
                             "there are no diff_ids to verify against",
                             -1, ""});
  return img;
}

}  // namespace

}  // namespace layerscope

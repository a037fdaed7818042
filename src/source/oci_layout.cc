// OCI image layouts (image-spec image-layout.md): `oci-layout`, `index.json` and
// content-addressed `blobs/<alg>/<hex>`. index.json lists manifests or nested indexes
// (image-index.md); an index is walked recursively to collect candidate image manifests with
// their platform and `org.opencontainers.image.ref.name`. Selection: the ref name the user
// gave, then --platform, else the host's platform, else the only candidate. Docker schema2
// manifests and manifest lists are accepted too (skopeo writes them into dir: layouts).
// Attestation manifests (buildx's `vnd.docker.reference.type`) are never candidates.
#include "source/oci_manifest.h"

#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "util/digest.h"
#include "util/json.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr int kMaxIndexDepth = 8;

std::string str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

Descriptor parse_descriptor(const json& d, const std::string& what) {
  if (!d.is_object()) throw Error(ErrorKind::kFormat, what + ": descriptor is not an object");
  Descriptor out;
  out.media_type = str(d, "mediaType");
  std::string digest = str(d, "digest");
  if (digest.empty()) throw Error(ErrorKind::kFormat, what + ": descriptor has no digest");
  out.digest = parse_digest(digest, what).str();
  auto size = d.find("size");
  if (size == d.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
    throw Error(ErrorKind::kFormat, what + ": descriptor " + short_digest(out.digest) + " has no valid size");
  }
  out.size = size->get<uint64_t>();
  auto platform = d.find("platform");
  if (platform != d.end() && platform->is_object()) {
    out.platform = str(*platform, "os") + "/" + str(*platform, "architecture");
    std::string variant = str(*platform, "variant");
    if (!variant.empty()) out.platform += "/" + variant;
  }
  auto ann = d.find("annotations");
  if (ann != d.end() && ann->is_object()) {
    out.ref_name = str(*ann, "org.opencontainers.image.ref.name");
    out.attestation = !str(*ann, "vnd.docker.reference.type").empty();
  }
  return out;
}

bool is_index_type(const std::string& mt) { return mt == kOciIndex || mt == kDockerList; }

}  // namespace

std::string blob_path(const std::string& digest) {
  auto colon = digest.find(':');
  return "blobs/" + digest.substr(0, colon) + "/" + digest.substr(colon + 1);
}

bool platform_matches(const std::string& have, const std::string& want) {
  if (have == want) return true;
  // "linux/arm64" matches "linux/arm64/v8": a missing variant matches any.
  return want.size() < have.size() && have.compare(0, want.size(), want) == 0 && have[want.size()] == '/';
}

void collect_manifests(const BlobLocator& locate, const std::string& index_bytes, const std::string& what,
                       const std::string& inherited_ref, int depth, std::vector<Descriptor>& out) {
  if (depth > kMaxIndexDepth) throw Error(ErrorKind::kLimit, what + ": image indexes nest too deeply");
  json doc = parse_json(index_bytes, what);
  if (!doc.is_object()) throw Error(ErrorKind::kFormat, what + ": not a JSON object");
  auto manifests = doc.find("manifests");
  if (manifests == doc.end() || !manifests->is_array()) {
    throw Error(ErrorKind::kFormat, what + ": has no \"manifests\" list");
  }
  for (const auto& m : *manifests) {
    Descriptor d = parse_descriptor(m, what);
    if (d.ref_name.empty()) d.ref_name = inherited_ref;
    if (d.attestation) continue;
    if (is_index_type(d.media_type)) {
      std::string nested = read_verified(locate.store, locate.path_of(d.digest), d.digest, d.size,
                                         locate.store.describe() + ": index " + short_digest(d.digest));
      collect_manifests(locate, nested, locate.store.describe() + ": index " + short_digest(d.digest), d.ref_name,
                        depth + 1, out);
    } else {
      out.push_back(std::move(d));
    }
  }
}

Descriptor choose_manifest(const std::vector<Descriptor>& all, const SelectOptions& select, const std::string& what,
                           ResolvedImage& img) {
  std::vector<Descriptor> cands = all;
  auto describe = [](const Descriptor& d) {
    std::string s = d.ref_name.empty() ? short_digest(d.digest) : d.ref_name;
    if (!d.platform.empty()) s += " (" + d.platform + ")";
    return s;
  };
  for (const auto& d : all) {
    img.info.available.push_back(describe(d));
    img.choices.push_back({d.digest, d.platform, d.ref_name});
  }
  auto list = [&] {
    std::string l;
    for (const auto& d : cands) l += (l.empty() ? "" : ", ") + describe(d);
    return l;
  };
  if (cands.empty()) throw Error(ErrorKind::kFormat, what + ": lists no image manifests");
  if (!select.image.empty()) {
    std::vector<Descriptor> kept;
    for (const auto& d : cands) {
      if (d.ref_name == select.image || d.digest == select.image ||
          (select.image.size() >= 12 && d.digest.find(select.image) != std::string::npos)) {
        kept.push_back(d);
      }
    }
    if (kept.empty()) throw Error(ErrorKind::kNotFound, what + ": no image named '" + select.image + "' (available: " + list() + ")");
    cands = kept;
  }
  if (!select.platform.empty()) {
    std::vector<Descriptor> kept;
    for (const auto& d : cands) {
      if (d.platform.empty() || platform_matches(d.platform, select.platform)) kept.push_back(d);
    }
    if (kept.empty()) {
      throw Error(ErrorKind::kNotFound, what + ": no manifest for platform " + select.platform + " (available: " + list() + ")");
    }
    cands = kept;
  }
  if (cands.size() == 1) return cands[0];
  // Several left. One image in several platforms: prefer the host's. Several images: the first.
  bool multi_platform = false;
  for (const auto& d : cands) multi_platform |= !d.platform.empty() && d.platform != cands[0].platform;
  if (multi_platform) {
    for (const auto& d : cands) {
      if (platform_matches(d.platform, host_platform())) {
        img.diagnostics.push_back({"platform-chosen",
                                   "several platforms; analysed the host's (" + d.platform + "); choose with --platform",
                                   -1, ""});
        return d;
      }
    }
    throw Error(ErrorKind::kUsage, what + ": several platforms and none is the host's; choose one with --platform (available: " +
                                       list() + ")");
  }
  img.diagnostics.push_back({"multiple-images",
                             "the layout holds " + std::to_string(cands.size()) + " images; analysed the first (" +
                                 describe(cands[0]) + "); choose another with --image",
                             -1, ""});
  return cands[0];
}

void read_image_manifest(const BlobLocator& locate, const Descriptor& desc, ResolvedImage& img) {
  const std::string what = locate.store.describe() + ": manifest " + short_digest(desc.digest);
  std::string bytes = read_verified(locate.store, locate.path_of(desc.digest), desc.digest, desc.size, what);
  json doc = parse_json(bytes, what);
  if (!doc.is_object()) throw Error(ErrorKind::kFormat, what + ": not a JSON object");
  std::string mt = str(doc, "mediaType");
  if (mt.empty()) mt = desc.media_type;
  if (!mt.empty() && mt != kOciManifest && mt != kDockerManifest) {
    throw Error(ErrorKind::kUnsupported, what + ": unsupported manifest media type '" + mt + "'");
  }
  auto config = doc.find("config");
  if (config == doc.end()) throw Error(ErrorKind::kFormat, what + ": has no config descriptor");
  Descriptor cfg = parse_descriptor(*config, what + ": config");
  auto layers = doc.find("layers");
  if (layers == doc.end() || !layers->is_array()) throw Error(ErrorKind::kFormat, what + ": has no layers list");
  img.info.manifest_digest = desc.digest;
  img.info.name = desc.ref_name;
  img.info.platform = desc.platform;
  img.config_bytes = read_verified(locate.store, locate.path_of(cfg.digest), cfg.digest, cfg.size,
                                   locate.store.describe() + ": config " + short_digest(cfg.digest));
  img.info.config_digest = cfg.digest;
  img.info.config_media_type = cfg.media_type;
  for (const auto& l : *layers) {
    Descriptor d = parse_descriptor(l, what + ": layer");
    img.layers.push_back(LayerRef{locate.path_of(d.digest), d.media_type, d.digest, d.size});
  }
}

ResolvedImage resolve_oci_layout(const BlobStore& store, const SelectOptions& select) {
  ResolvedImage img;
  img.info.transport = "oci";
  img.info.layout = "oci-layout";
  const std::string what = store.describe() + ": index.json";
  if (!store.exists("index.json")) throw Error(ErrorKind::kFormat, store.describe() + ": no index.json: not an OCI image layout");
  if (!store.exists("oci-layout")) {
    img.diagnostics.push_back({"missing-oci-layout", "the layout has no oci-layout file", -1, ""});
  }
  BlobLocator locate{store, [](const std::string& digest) { return blob_path(digest); }};
  std::vector<Descriptor> found;
  collect_manifests(locate, store.read_small("index.json"), what, "", 0, found);
  Descriptor chosen = choose_manifest(found, select, what, img);
  read_image_manifest(locate, chosen, img);
  return img;
}

}  // namespace layerscope

// skopeo's `dir:` transport (containers/image directory/directory_dest.go): `manifest.json`
// is the image manifest itself (OCI or Docker schema2), every blob sits beside it named by
// its hex digest, and `version` reads "Directory Transport Version: 1.1". A multi-platform
// copy stores the index as manifest.json and each instance as `<hex>.manifest.json`.
#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "source/oci_manifest.h"
#include "util/digest.h"
#include "util/json.h"

namespace layerscope {

ResolvedImage resolve_skopeo_dir(const BlobStore& store, const SelectOptions& select) {
  ResolvedImage img;
  img.info.transport = "dir";
  img.info.layout = "skopeo-dir";
  const std::string what = store.describe() + ": manifest.json";
  std::string bytes = store.read_small("manifest.json");
  auto doc = parse_json(bytes, what);
  if (!doc.is_object()) throw Error(ErrorKind::kFormat, what + ": not a JSON object");
  auto hex_of = [](const std::string& digest) { return digest.substr(digest.find(':') + 1); };
  BlobLocator blobs{store, hex_of};
  Descriptor top;
  top.digest = digest_of(bytes).str();
  top.size = bytes.size();
  if (doc.contains("manifests")) {
    // An index: instances live in <hex>.manifest.json.
    BlobLocator instances{store, [&](const std::string& d) {
      std::string h = hex_of(d);
      return store.exists(h + ".manifest.json") ? h + ".manifest.json" : h;
    }};
    std::vector<Descriptor> found;
    collect_manifests(instances, bytes, what, "", 0, found);
    Descriptor chosen = choose_manifest(found, select, what, img);
    std::string path = instances.path_of(chosen.digest);
    BlobLocator one{store, [&](const std::string& d) { return d == chosen.digest ? path : hex_of(d); }};
    read_image_manifest(one, chosen, img);
    return img;
  }
  // The manifest itself; read_image_manifest verifies it against its own digest.
  BlobLocator self{store, [&](const std::string& d) { return d == top.digest ? std::string("manifest.json") : hex_of(d); }};
  read_image_manifest(self, top, img);
  img.info.available.push_back(short_digest(top.digest));
  return img;
}

}  // namespace layerscope

#include "source/registry/resolver.h"

#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "source/oci_manifest.h"
#include "util/digest.h"
#include "util/json.h"

namespace layerscope::registry {

ResolvedImage resolve_registry(const RegistryStore& store, const SelectOptions& select) {
  const RegistryReference& ref = store.client().reference();
  ResolvedImage img;
  img.info.transport = "docker";
  img.info.layout = "registry";
  const std::string top_path = "manifests/" + ref.manifest_reference();
  const std::string what = store.describe() + ": manifest";
  std::string bytes = store.read_small(top_path);

  Descriptor top;
  top.media_type = store.content_type(top_path);
  top.size = bytes.size();
  top.ref_name = ref.tag;
  if (!ref.digest.empty()) {
    Digest want = parse_digest(ref.digest, "reference");
    std::string got = digest_of(bytes, want.algorithm).str();
    if (got != want.str()) {
      throw Error(ErrorKind::kDigest, what + ": digest mismatch: asked for " + want.str() +
                                          ", the registry sent a manifest that hashes to " + got);
    }
    top.digest = want.str();
  } else {
    top.digest = digest_of(bytes).str();
  }
  store.remember_manifest(top.digest, bytes);

  auto doc = parse_json(bytes, what);
  if (!doc.is_object()) throw Error(ErrorKind::kFormat, what + ": not a JSON object");
  auto schema = doc.find("schemaVersion");
  if (schema != doc.end() && schema->is_number_integer() && schema->get<int>() == 1) {
    throw Error(ErrorKind::kUnsupported, what + ": Docker schema 1 manifests are not supported (push the image again with a current client)");
  }
  BlobLocator locate{store, [&store](const std::string& digest) { return store.path_of(digest); }};
  if (doc.contains("manifests")) {
    std::vector<Descriptor> found;
    collect_manifests(locate, bytes, what + " " + (ref.digest.empty() ? ref.tag : short_digest(ref.digest)), ref.tag, 0,
                      found);
    Descriptor chosen = choose_manifest(found, select, store.describe(), img);
    read_image_manifest(locate, chosen, img);
  } else {
    read_image_manifest(locate, top, img);
    img.info.available.push_back(ref.tag.empty() ? short_digest(top.digest) : ref.tag);
  }
  for (const auto& layer : img.layers) {
    if (layer.size) store.expect_size(layer.path, *layer.size);
  }
  return img;
}

OpenedImage open_registry_image(const std::string& reference, const SelectOptions& select,
                                const RegistryOptions& options) {
  RegistryReference ref = parse_registry_reference(reference);
  auto client = std::make_unique<RegistryClient>(ref, options);
  auto store = std::make_unique<RegistryStore>(std::move(client));
  const RegistryStore* raw = store.get();
  OpenedImage out;
  out.resolved = resolve_registry(*store, select);
  out.store = std::move(store);
  out.resolve = [raw](const SelectOptions& s) { return resolve_registry(*raw, s); };
  return out;
}

}  // namespace layerscope::registry

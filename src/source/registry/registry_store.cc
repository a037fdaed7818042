#include "source/registry/registry_store.h"

#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "source/registry/blob_stream.h"
#include "util/digest.h"
#include "util/json.h"
#include "util/text.h"

namespace layerscope::registry {

namespace {

std::string what_of(const std::string& store, const std::string& path) {
  auto slash = path.find('/');
  std::string kind = path.substr(0, slash) == "manifests" ? "manifest " : "blob ";
  std::string ref = path.substr(slash + 1);
  return store + ": " + kind + (looks_like_digest(ref) ? short_digest(ref) : ref);
}

}  // namespace

bool RegistryStore::exists(const std::string& path) const {
  // Whether it is really there, only the GET can tell; it fails with the registry's error.
  return starts_with(path, "blobs/") || starts_with(path, "manifests/");
}

std::optional<uint64_t> RegistryStore::size_of(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = sizes_.find(path);
  if (it == sizes_.end()) return std::nullopt;
  return it->second;
}

std::string RegistryStore::path_of(const std::string& digest) const {
  std::lock_guard lock(mutex_);
  return (manifest_digests_.count(digest) ? "manifests/" : "blobs/") + digest;
}

void RegistryStore::note_children(const std::string& bytes) const {
  nlohmann::ordered_json doc;
  try {
    doc = parse_json(bytes, "manifest");
  } catch (const Error&) {
    return;  // the interpreter reading it will report the problem
  }
  if (!doc.is_object()) return;
  auto list = doc.find("manifests");
  if (list == doc.end() || !list->is_array()) return;
  for (const auto& m : *list) {
    if (!m.is_object()) continue;
    auto d = m.find("digest");
    if (d != m.end() && d->is_string()) manifest_digests_.insert(d->get<std::string>());
  }
}

void RegistryStore::remember_manifest(const std::string& digest, const std::string& bytes) const {
  std::lock_guard lock(mutex_);
  manifest_digests_.insert(digest);
  manifests_["manifests/" + digest] = bytes;
  note_children(bytes);
}

void RegistryStore::expect_size(const std::string& path, uint64_t size) const {
  std::lock_guard lock(mutex_);
  sizes_[path] = size;
}

std::string RegistryStore::content_type(const std::string& path) const {
  std::lock_guard lock(mutex_);
  auto it = content_types_.find(path);
  return it == content_types_.end() ? "" : it->second;
}

std::string RegistryStore::read_small(const std::string& path) const {
  const std::string what = what_of(describe(), path);
  if (starts_with(path, "manifests/")) {
    {
      std::lock_guard lock(mutex_);
      auto it = manifests_.find(path);
      if (it != manifests_.end()) return it->second;
    }
    auto doc = client_->fetch(path, kManifestAccept, kMaxManifestBytes, what);
    std::lock_guard lock(mutex_);
    note_children(doc.bytes);
    content_types_[path] = doc.content_type;
    manifests_[path] = doc.bytes;
    return doc.bytes;
  }
  if (!starts_with(path, "blobs/")) throw Error(ErrorKind::kNotFound, what + ": not a registry path");
  return client_->fetch(path, "", kMaxMetadataBytes, what).bytes;
}

std::unique_ptr<ByteSource> RegistryStore::open(const std::string& path) const {
  if (!starts_with(path, "blobs/")) throw Error(ErrorKind::kNotFound, what_of(describe(), path) + ": not a blob path");
  return std::make_unique<BlobStream>(*client_, path.substr(6), size_of(path), what_of(describe(), path));
}

}  // namespace layerscope::registry

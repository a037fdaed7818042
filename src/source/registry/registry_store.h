// A registry repository seen as a BlobStore, so the shared OCI interpreters
// (oci_manifest.h) walk indexes and read manifests and configs from it exactly as from an
// OCI layout. Paths name the endpoint and the digest: "manifests/<digest-or-tag>" and
// "blobs/<digest>". Which digests are manifests is learnt from the indexes fetched so far
// (an index lists manifests; everything else a manifest points at is a blob).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "source/blob_store.h"
#include "source/registry/registry_client.h"

namespace layerscope::registry {

inline constexpr size_t kMaxManifestBytes = 4 << 20;  // distribution's own manifest limit

class RegistryStore : public BlobStore {
 public:
  explicit RegistryStore(std::unique_ptr<RegistryClient> client) : client_(std::move(client)) {}

  const RegistryClient& client() const { return *client_; }
  std::string describe() const override { return client_->describe(); }
  bool exists(const std::string& path) const override;
  std::optional<uint64_t> size_of(const std::string& path) const override;
  std::string read_small(const std::string& path) const override;
  std::unique_ptr<ByteSource> open(const std::string& path) const override;
  std::vector<std::string> top_level_files() const override { return {}; }

  // "manifests/<digest>" for known manifests, "blobs/<digest>" otherwise.
  std::string path_of(const std::string& digest) const;
  // Remembers a manifest fetched by tag under its digest, and the manifests it lists.
  void remember_manifest(const std::string& digest, const std::string& bytes) const;
  // The size a layer descriptor promises; the stream refuses to run past it.
  void expect_size(const std::string& path, uint64_t size) const;
  // Content-Type of a fetched manifest ("" when unknown).
  std::string content_type(const std::string& path) const;

 private:
  void note_children(const std::string& bytes) const;  // mutex_ held

  std::unique_ptr<RegistryClient> client_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::string> manifests_;      // path -> bytes
  mutable std::map<std::string, std::string> content_types_;  // path -> media type
  mutable std::set<std::string> manifest_digests_;
  mutable std::map<std::string, uint64_t> sizes_;
};

}  // namespace layerscope::registry

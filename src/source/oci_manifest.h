// Pieces shared by the OCI layout and skopeo dir interpreters: descriptors, index walking,
// manifest choice and image manifest reading, parameterised by where a digest's blob lives.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "source/resolved.h"

namespace layerscope {

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
  std::string platform;  // "os/arch[/variant]" or ""
  std::string ref_name;  // org.opencontainers.image.ref.name
  bool attestation = false;
};

struct BlobLocator {
  const BlobStore& store;
  std::function<std::string(const std::string& digest)> path_of;
};

std::string blob_path(const std::string& digest);  // "blobs/sha256/<hex>"
bool platform_matches(const std::string& have, const std::string& want);

void collect_manifests(const BlobLocator& locate, const std::string& index_bytes, const std::string& what,
                       const std::string& inherited_ref, int depth, std::vector<Descriptor>& out);
Descriptor choose_manifest(const std::vector<Descriptor>& all, const SelectOptions& select, const std::string& what,
                           ResolvedImage& img);
void read_image_manifest(const BlobLocator& locate, const Descriptor& desc, ResolvedImage& img);

}  // namespace layerscope

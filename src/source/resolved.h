// The result of reading an image's metadata: which blobs are its layers, in order, and what
// each descriptor promises (digest, size, media type), plus the raw config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layerscope/image.h"
#include "layerscope/types.h"
#include "source/blob_store.h"

namespace layerscope {

struct LayerRef {
  std::string path;        // blob path inside the store
  std::string media_type;  // "" when the layout has none (docker-save legacy)
  std::string digest;      // promised digest of the blob as stored ("" unknown)
  std::optional<uint64_t> size;  // promised size
};

// One image manifest an index offered (see choose_manifest).
struct ManifestChoice {
  std::string digest;
  std::string platform;  // "" when the index does not say
  std::string name;      // ref name, "" when none
};

struct ResolvedImage {
  ImageInfo info;           // reference, transport, layout, name, available, platform, digests
  std::string config_bytes;
  std::vector<LayerRef> layers;
  std::vector<Diagnostic> diagnostics;
  std::vector<ManifestChoice> choices;  // every candidate of an index, in index order
};

struct SelectOptions {
  std::string image;     // --image NAME:TAG (docker-save) or ref name (OCI)
  std::string platform;  // --platform os/arch[/variant]
};

// Layout interpreters. Each throws layerscope::Error naming the file at fault.
ResolvedImage resolve_docker_save(const BlobStore& store, const SelectOptions& select);
ResolvedImage resolve_oci_layout(const BlobStore& store, const SelectOptions& select);
ResolvedImage resolve_skopeo_dir(const BlobStore& store, const SelectOptions& select);

// Shared by the interpreters: parse a config and check it against its layers.
ImageConfig parse_image_config(const std::string& bytes, const std::string& what);

// Reads a content-addressed metadata blob and checks its digest (and size when given).
std::string read_verified(const BlobStore& store, const std::string& path, const std::string& digest,
                          std::optional<uint64_t> size, const std::string& what);

// "docker.io/library/busybox:latest" for "busybox"; used to match --image against RepoTags.
std::string normalize_docker_name(const std::string& name);

std::string host_platform();  // "linux/amd64" on x86-64, "linux/arm64" on aarch64

}  // namespace layerscope

// Where an image's files live. A layout interpreter (docker-save, OCI layout, skopeo dir)
// only ever asks a BlobStore for small metadata files and for byte streams of blobs, so the
// same interpreter reads a directory, a tar archive read in place, or a compressed tar that
// can only be read front to back.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decode/byte_source.h"

namespace layerscope {

inline constexpr size_t kMaxMetadataBytes = 64 << 20;

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  virtual std::string describe() const = 0;
  virtual bool exists(const std::string& path) const = 0;
  virtual std::optional<uint64_t> size_of(const std::string& path) const = 0;
  // Whole small file (manifests, configs); throws kNotFound / kLimit.
  virtual std::string read_small(const std::string& path) const = 0;
  // Stream of a blob; throws when the store is sequential.
  virtual std::unique_ptr<ByteSource> open(const std::string& path) const = 0;
  // Store-relative names of the top-level files (legacy layouts need to look around).
  virtual std::vector<std::string> top_level_files() const = 0;
  // Path after following archive symlinks ("x/layer.tar" -> "abc.tar").
  virtual std::string canonical(const std::string& path) const { return path; }
  // True when blobs were streamed once at open time and cannot be reopened.
  virtual bool sequential() const { return false; }
};

// A directory on disk (OCI layout, skopeo dir). Paths never leave the root: they come from
// validated digests or fixed names.
std::unique_ptr<BlobStore> open_dir_store(const std::string& root);

// Called for each blob-like member while a compressed archive streams by: index it now,
// because it cannot be read again.
using MemberVisitor = std::function<void(const std::string& member, ByteSource& data, uint64_t size)>;

// A tar archive. Plain tars are indexed (headers only, data skipped with seeks) and read in
// place; gzip or zstd compressed tars are streamed once, keeping metadata files in memory and
// handing every other member to `visitor`.
std::unique_ptr<BlobStore> open_archive_store(const std::string& path, const MemberVisitor& visitor);

}  // namespace layerscope

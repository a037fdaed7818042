// What one layer holds, as read from its tar stream: every entry with its cleaned path,
// kind, size and content hash, plus the byte accounting of the stream itself. A LayerIndex
// depends only on the layer's bytes, never on its position in an image, so it can be cached
// by digest and shared between images.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "layerscope/types.h"

namespace layerscope {

enum class EntryKind : uint8_t {
  kFile,      // regular file (tar '0', '\0', '7', sparse)
  kDir,
  kSymlink,
  kHardlink,  // tar '1': a second name for an earlier entry; carries no bytes
  kDevice,    // char or block device
  kFifo,
  kWhiteout,  // ".wh.NAME": deletes NAME from the layers below (OCI layer.md)
  kOpaque,    // ".wh..wh..opq": hides the lower contents of its directory
  kOther,     // unknown tar type
};

const char* entry_kind_name(EntryKind kind);

struct ContentDigest128 {
  uint64_t high = 0;
  uint64_t low = 0;
  bool operator==(const ContentDigest128&) const = default;
  bool operator<(const ContentDigest128& o) const { return high != o.high ? high < o.high : low < o.low; }
};

// What the indexer noticed in a file's first bytes (never the bytes themselves).
enum EntryFlag : uint8_t {
  kFlagPemPrivateKey = 1,  // "-----BEGIN … PRIVATE KEY-----" near the start
  kFlagCredentials = 2,    // a credentials file that holds a token or password (.npmrc, .pypirc, docker config.json)
};

struct LayerEntry {
  std::string path;   // cleaned, relative to the root, whiteout prefix kept (".wh.x")
  std::string link;   // symlink target as written; hardlink target cleaned
  uint64_t size = 0;  // data bytes (regular files only)
  uint64_t header_offset = 0;
  uint64_t compressed_est = 0;  // estimated blob bytes this entry costs (headers + data + padding)
  ContentDigest128 hash;  // XXH3-128 of the data (regular files only)
  uint32_t mode = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  EntryKind kind = EntryKind::kFile;
  uint8_t flags = 0;  // EntryFlag bits

  bool is_file() const { return kind == EntryKind::kFile; }
  bool is_marker() const { return kind == EntryKind::kWhiteout || kind == EntryKind::kOpaque; }
};

struct LayerIndex {
  Compression compression = Compression::kNone;
  std::string blob_digest;  // "sha256:…" of the blob as stored ("" when not computed)
  std::string tar_digest;   // "sha256:…" of the uncompressed stream ("" when not computed)

  // Accounting: header_bytes + data_bytes + padding_bytes + end_bytes == tar_bytes, where
  // data_bytes == content_bytes + other_data_bytes.
  uint64_t compressed_bytes = 0;
  uint64_t tar_bytes = 0;
  uint64_t header_bytes = 0;
  uint64_t padding_bytes = 0;
  uint64_t end_bytes = 0;
  uint64_t content_bytes = 0;     // Σ size of regular-file entries
  uint64_t other_data_bytes = 0;  // data of unknown entry types
  uint64_t entry_count = 0;       // every entry a tar reader reports, root and markers included
  uint64_t file_count = 0;        // regular-file entries, whiteout markers excluded

  std::vector<LayerEntry> entries;  // root ("./") entries are counted but not kept
  std::vector<Diagnostic> diagnostics;
};

}  // namespace layerscope

// Content hash of regular files: XXH3-128, computed while the tar stream passes by, so that
// duplicates and true modifications can be found without reading any layer twice. It is a
// fingerprint for grouping, not a security digest (sha256 stays the integrity check).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "layerscope/layer_index.h"

namespace layerscope {

using ContentHash = ContentDigest128;

std::string content_hash_hex(const ContentHash& h);

class ContentHasher {
 public:
  ContentHasher();
  ~ContentHasher();
  void reset();
  void update(const void* data, size_t size);
  ContentHash finish() const;

 private:
  void* state_;  // XXH3_state_t, kept opaque so xxhash.h stays out of headers
};

ContentHash content_hash_of(const void* data, size_t size);

}  // namespace layerscope

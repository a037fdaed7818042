#include "util/content_hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdio>

namespace layerscope {

std::string content_hash_hex(const ContentHash& h) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(h.high),
                static_cast<unsigned long long>(h.low));
  return buf;
}

ContentHasher::ContentHasher() : state_(XXH3_createState()) { reset(); }
ContentHasher::~ContentHasher() { XXH3_freeState(static_cast<XXH3_state_t*>(state_)); }

void ContentHasher::reset() { XXH3_128bits_reset(static_cast<XXH3_state_t*>(state_)); }

void ContentHasher::update(const void* data, size_t size) {
  XXH3_128bits_update(static_cast<XXH3_state_t*>(state_), data, size);
}

ContentHash ContentHasher::finish() const {
  XXH128_hash_t h = XXH3_128bits_digest(static_cast<const XXH3_state_t*>(state_));
  return ContentHash{h.high64, h.low64};
}

ContentHash content_hash_of(const void* data, size_t size) {
  XXH128_hash_t h = XXH3_128bits(data, size);
  return ContentHash{h.high64, h.low64};
}

}  // namespace layerscope

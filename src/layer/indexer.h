// The per-layer job: one pass over a layer blob that verifies, decompresses and indexes it.
//
//   blob -> sha256 (as stored) -> sniff -> gzip | zstd | plain -> sha256 (diff_id) -> tar
//        -> per-entry index + XXH3-128 of every regular file
//
// Everything streams through fixed buffers; a layer's content is never held in memory.
// When the blob is stored uncompressed the one sha256 serves both digests.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "decode/byte_source.h"
#include "layerscope/layer_index.h"
#include "util/digest.h"

namespace layerscope {

struct IndexOptions {
  bool verify = true;         // compute sha256 digests (compared by the caller)
  bool hash_content = true;   // XXH3-128 of every regular file
  DigestAlgorithm blob_algorithm = DigestAlgorithm::kSha256;
  DigestAlgorithm tar_algorithm = DigestAlgorithm::kSha256;  // the config's diff_id algorithm
  uint64_t max_tar_bytes = uint64_t{256} << 30;  // decompression-bomb guard: 256 GiB
  // Tar entries allowed in the whole image (every layer's index is held until the merge):
  // about 0.7 KB of memory per entry over the whole analysis, so ~2 GB at the default.
  uint64_t max_entries = 3'000'000;
  // Entries indexed so far by every layer job of this image, shared by the jobs; null when a
  // layer is indexed on its own (then max_entries bounds that layer alone).
  std::atomic<uint64_t>* image_entries = nullptr;
  uint64_t max_trailing_bytes = 16 << 20;  // data allowed after the end-of-archive marker
  bool pipeline = false;  // run read+hash, inflate and tar+hash stages on separate threads
  // Hash the blob beside the tar in one paired sha256 loop when the CPU has the SHA extensions
  // (decode/layer_digests.h); off, OpenSSL hashes each stream on its own stage.
  bool paired_digests = true;
  size_t tar_buffer_bytes = 1 << 20;  // the tar reader's buffer (fuzzers index tiny tars by the thousand)
};

// `what` names the layer in errors ("layer 2 sha256:ab12…"). Throws layerscope::Error.
LayerIndex index_layer(ByteSource& blob, const std::string& what, const IndexOptions& options);

}  // namespace layerscope

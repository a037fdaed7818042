// A layer's two digests: its blob's (what the manifest names) and its tar's (the config's
// diff_id), fed from the two ends of the layer's pipeline by DigestTaps.
//
// With the CPU's SHA extensions and sha256 for both, the blob's digest is computed beside the
// diff_id's in one paired loop (util/sha256_pair.h), which beats two single streams on
// OpenSSL. The blob's bytes are read on the read stage's thread, the tar's are hashed on the tar
// reader's; to pair the two streams one thread must hold both. The read stage copies each
// blob span into a BlobDigestLane (a memcpy costs a few percent of a sha256), and the tar side
// hashes every tar span together with as many queued blob bytes. Compressed blobs are smaller
// than their tars, so nearly every blob byte finds a partner and the queue stays short. When a
// tar stalls while its blob keeps coming (huge gzip headers, a run of empty members) the
// queue is capped: past kMaxQueued the read thread hashes the oldest bytes itself, so neither
// side ever waits for the other and the blob is still hashed in order.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "decode/byte_source.h"
#include "util/sha256_pair.h"

namespace layerscope {

class BlobDigestLane {
 public:
  static constexpr size_t kMaxQueued = 16u << 20;
  static constexpr size_t kMaxSpare = 4;  // emptied buffers kept for reuse (first-touch faults)

  // Read side: the blob's bytes, in stream order.
  void append(const uint8_t* data, size_t n);
  // Tar side: hashes the span into `tar`, pairing it with queued blob bytes.
  void hash_tar(Sha256& tar, const uint8_t* data, size_t n);
  // Nothing will pair (the blob is its own tar): hash the queue, and later bytes at once.
  void go_solo();
  // After the last append: the blob's digest.
  Digest finish();
  size_t queued() const;

 private:
  void hash_front_alone();  // with mu_ held

  mutable std::mutex mu_;
  Sha256 blob_;
  std::deque<std::vector<uint8_t>> queue_;
  std::vector<std::vector<uint8_t>> spare_;
  size_t front_used_ = 0;  // bytes of queue_.front() already hashed
  size_t queued_ = 0;      // unhashed bytes in the queue
  bool solo_ = false;
};

// Owns both digests and decides how they are computed: OpenSSL one stream at a time, or
// paired through a BlobDigestLane. on_blob() is called from the thread reading the blob,
// on_tar() and everything else from the thread reading the tar; each in stream order.
class LayerDigests {
 public:
  LayerDigests(bool verify, DigestAlgorithm blob, DigestAlgorithm tar, bool allow_pairing);
  void on_blob(const uint8_t* data, size_t n);
  void on_tar(const uint8_t* data, size_t n);
  // An uncompressed blob whose digests share one algorithm is its own tar: hashed once, and
  // tar_digest() is the blob's. Call before the first on_tar().
  void tar_is_blob();
  bool paired() const { return paired_; }
  // After the last bytes of both streams: blob_digest() first, then tar_digest(); once each.
  Digest blob_digest();
  Digest tar_digest();

 private:
  const bool verify_;
  const bool paired_;
  bool tar_is_blob_ = false;
  // Unpaired, each with its own algorithm. Why: diff_ids may be sha512 like any OCI digest;
  // hashing them with sha256 made every such image fail verification.
  Hasher blob_hasher_, tar_hasher_;
  BlobDigestLane lane_;              // paired
  Sha256 tar_sha_;                   // paired
  Digest blob_;
};

// Passes a stream through, counting its bytes and giving them to one side of LayerDigests.
// Skips read through (ByteSource's default), so the digests always cover every byte.
class DigestTap : public ByteSource {
 public:
  enum class Side { kBlob, kTar };
  DigestTap(ByteSource& inner, LayerDigests& digests, Side side) : inner_(inner), digests_(digests), side_(side) {}
  size_t read(uint8_t* buf, size_t cap) override;
  bool can_borrow() const override { return inner_.can_borrow(); }
  size_t borrow(const uint8_t** data, size_t cap) override;
  uint64_t bytes() const { return bytes_; }

 private:
  void feed(const uint8_t* data, size_t n);

  ByteSource& inner_;
  LayerDigests& digests_;
  Side side_;
  uint64_t bytes_ = 0;
};

}  // namespace layerscope

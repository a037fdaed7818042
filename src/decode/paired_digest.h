// The blob's sha256 computed beside the diff_id's, in the same loop (util/sha256_pair.h).
//
// The blob's bytes are read on the read stage's thread, the tar's are hashed on the tar
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

// Passes a blob through, copying what it reads into the lane (no lane: a plain pass-through).
class LaneTap : public ByteSource {
 public:
  LaneTap(ByteSource& inner, BlobDigestLane* lane) : inner_(inner), lane_(lane) {}
  size_t read(uint8_t* buf, size_t cap) override;
  bool can_borrow() const override { return inner_.can_borrow(); }
  size_t borrow(const uint8_t** data, size_t cap) override;

 private:
  ByteSource& inner_;
  BlobDigestLane* lane_;
};

// Hashes the tar stream through the lane, pairing it with the blob (no lane: no hashing).
class PairedTarHash : public ByteSource {
 public:
  PairedTarHash(ByteSource& inner, BlobDigestLane* lane) : inner_(inner), lane_(lane) {}
  size_t read(uint8_t* buf, size_t cap) override;
  bool can_borrow() const override { return inner_.can_borrow(); }
  size_t borrow(const uint8_t** data, size_t cap) override;
  Digest finish() { return tar_.finish(); }

 private:
  ByteSource& inner_;
  BlobDigestLane* lane_;
  Sha256 tar_;
};

}  // namespace layerscope

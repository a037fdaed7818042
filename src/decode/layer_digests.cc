#include "decode/layer_digests.h"

#include <algorithm>

namespace layerscope {

void BlobDigestLane::append(const uint8_t* data, size_t n) {
  if (n == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (solo_) {
    blob_.update(data, n);
    return;
  }
  std::vector<uint8_t> buf;
  if (!spare_.empty()) {
    buf = std::move(spare_.back());
    spare_.pop_back();
  }
  buf.assign(data, data + n);
  queue_.push_back(std::move(buf));
  queued_ += n;
  while (queued_ > kMaxQueued) hash_front_alone();
}

void BlobDigestLane::hash_front_alone() {
  std::vector<uint8_t>& front = queue_.front();
  blob_.update(front.data() + front_used_, front.size() - front_used_);
  queued_ -= front.size() - front_used_;
  front_used_ = 0;
  if (spare_.size() < kMaxSpare) spare_.push_back(std::move(front));
  queue_.pop_front();
}

void BlobDigestLane::hash_tar(Sha256& tar, const uint8_t* data, size_t n) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (n && !queue_.empty()) {
      std::vector<uint8_t>& front = queue_.front();
      size_t k = std::min(n, front.size() - front_used_);
      Sha256::update_pair(tar, data, k, blob_, front.data() + front_used_, k);
      data += k;
      n -= k;
      front_used_ += k;
      queued_ -= k;
      if (front_used_ == front.size()) {
        front_used_ = 0;
        if (spare_.size() < kMaxSpare) spare_.push_back(std::move(front));
        queue_.pop_front();
      }
    }
  }
  if (n) tar.update(data, n);
}

void BlobDigestLane::go_solo() {
  std::lock_guard<std::mutex> lock(mu_);
  while (!queue_.empty()) hash_front_alone();
  solo_ = true;
}

Digest BlobDigestLane::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  while (!queue_.empty()) hash_front_alone();
  return blob_.finish();
}

size_t BlobDigestLane::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_;
}

LayerDigests::LayerDigests(bool verify, DigestAlgorithm blob, DigestAlgorithm tar, bool allow_pairing)
    : verify_(verify),
      paired_(verify && allow_pairing && blob == DigestAlgorithm::kSha256 && tar == DigestAlgorithm::kSha256 &&
              sha_ni_available()),
      blob_hasher_(blob),
      tar_hasher_(tar) {}

void LayerDigests::on_blob(const uint8_t* data, size_t n) {
  if (!verify_) return;
  if (paired_) {
    lane_.append(data, n);
  } else {
    blob_hasher_.update(data, n);
  }
}

void LayerDigests::on_tar(const uint8_t* data, size_t n) {
  if (!verify_ || tar_is_blob_) return;
  if (paired_) {
    lane_.hash_tar(tar_sha_, data, n);
  } else {
    tar_hasher_.update(data, n);
  }
}

void LayerDigests::tar_is_blob() {
  tar_is_blob_ = true;
  if (paired_) lane_.go_solo();
}

Digest LayerDigests::blob_digest() {
  blob_ = paired_ ? lane_.finish() : blob_hasher_.finish();
  return blob_;
}

Digest LayerDigests::tar_digest() {
  if (tar_is_blob_) return blob_;
  return paired_ ? tar_sha_.finish() : tar_hasher_.finish();
}

void DigestTap::feed(const uint8_t* data, size_t n) {
  bytes_ += n;
  if (side_ == Side::kBlob) {
    digests_.on_blob(data, n);
  } else {
    digests_.on_tar(data, n);
  }
}

size_t DigestTap::read(uint8_t* buf, size_t cap) {
  size_t n = inner_.read(buf, cap);
  feed(buf, n);
  return n;
}

size_t DigestTap::borrow(const uint8_t** data, size_t cap) {
  size_t n = inner_.borrow(data, cap);
  feed(*data, n);
  return n;
}

}  // namespace layerscope

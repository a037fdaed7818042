#include "source/registry/blob_stream.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "layerscope/error.h"

namespace layerscope::registry {

namespace {

// "bytes 100-999/1000" -> 100 (RFC 9110 14.4); nullopt when malformed.
std::optional<uint64_t> content_range_start(const std::string& value) {
  if (value.rfind("bytes ", 0) != 0) return std::nullopt;
  const char* p = value.c_str() + 6;
  char* end = nullptr;
  unsigned long long start = std::strtoull(p, &end, 10);
  if (end == p || *end != '-') return std::nullopt;
  return start;
}

}  // namespace

BlobStream::BlobStream(const RegistryClient& client, std::string digest, std::optional<uint64_t> size, std::string what)
    : client_(client), lease_(client.pool().acquire()), path_("blobs/" + digest), size_(size), what_(std::move(what)) {
  start();
}

void BlobStream::start() {
  transfer_ = client_.open(lease_.connection(), path_, "", offset_, what_);
  skip_ = 0;
  if (offset_ == 0) return;
  if (transfer_->status() == 206) {
    auto start = content_range_start(transfer_->headers().get("content-range"));
    if (!start || *start != offset_) {
      throw Error(ErrorKind::kNetwork, what_ + ": asked to resume at byte " + std::to_string(offset_) +
                                           " but the registry answered with range '" +
                                           transfer_->headers().get("content-range").substr(0, 64) + "'");
    }
  } else {
    skip_ = offset_;  // 200: the whole blob again
  }
}

size_t BlobStream::read(uint8_t* buf, size_t cap) {
  for (;;) {
    if (done_ || cap == 0) return 0;
    if (!transfer_) start();
    size_t n = transfer_->read(buf, cap);
    if (n > 0 && skip_ > 0) {
      size_t drop = static_cast<size_t>(std::min<uint64_t>(skip_, n));
      skip_ -= drop;
      std::memmove(buf, buf + drop, n - drop);
      n -= drop;
      if (n == 0) continue;
    }
    if (n > 0) {
      offset_ += n;
      failures_ = 0;  // progress: the next failure starts a fresh count
      if (size_ && offset_ > *size_) {
        throw Error(ErrorKind::kDigest, what_ + ": the registry sent more than the " + std::to_string(*size_) +
                                            " bytes the manifest promises");
      }
      return n;
    }
    bool short_body = !transfer_->failed() && size_ && offset_ < *size_;
    if (!transfer_->failed() && !short_body) {
      done_ = true;
      transfer_.reset();
      return 0;
    }
    TransportError err = transfer_->failed()
                             ? transfer_->error()
                             : TransportError{TransportFailure::kReset, "the response ended after " + std::to_string(offset_) +
                                                                            " of " + std::to_string(*size_) + " bytes"};
    transfer_.reset();
    if (!retryable_failure(err.kind) || ++failures_ >= client_.retry().max_attempts) {
      throw transport_error(what_ + " (at byte " + std::to_string(offset_) + ")", err);
    }
    wait_for(client_.retry().delay(failures_));
  }
}

}  // namespace layerscope::registry

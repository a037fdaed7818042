// A layer blob streamed from the registry as a ByteSource (distribution-spec "Pulling
// blobs"; resumption with "Range: bytes=N-", RFC 9110 section 14). The stream holds one
// connection slot while it lives, so the pool size bounds parallel downloads.
//
// When the connection drops mid-blob (or stalls past the stall timeout, or the body ends
// short of the descriptor's size), the stream asks again from the first byte it has not
// handed out: a 206 must start exactly there; a 200 means the server ignored the range,
// and the bytes already delivered are skipped. Consecutive failures without progress are
// bounded by the retry policy. Digests are not checked here: the layer indexer hashes
// every byte it reads and compares against the descriptor, so a resumed stream that
// spliced different bytes fails verification like any other corrupt blob. A stream that
// sends more than the descriptor's size is cut off at once.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "decode/byte_source.h"
#include "source/registry/registry_client.h"

namespace layerscope::registry {

class BlobStream : public ByteSource {
 public:
  // Opens the blob right away, so a missing blob or a refused token fails here.
  BlobStream(const RegistryClient& client, std::string digest, std::optional<uint64_t> size, std::string what);
  size_t read(uint8_t* buf, size_t cap) override;

 private:
  void start();

  const RegistryClient& client_;
  HttpPool::Lease lease_;
  std::string path_;
  std::optional<uint64_t> size_;
  std::string what_;
  std::unique_ptr<HttpTransfer> transfer_;
  uint64_t offset_ = 0;  // bytes handed to the reader
  uint64_t skip_ = 0;    // bytes of the current response that repeat what was handed out
  unsigned failures_ = 0;
  bool done_ = false;
};

}  // namespace layerscope::registry

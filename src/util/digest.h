// Content digests as the OCI image spec writes them ("algorithm:hex", descriptor.md
// "Digests"): sha256 and sha512 are accepted, any other algorithm is refused rather than
// silently unverified. Hashing goes through OpenSSL's EVP interface, which uses the SHA
// extensions of the CPU when present; layer indexing pairs its two sha256 streams with
// util/sha256_pair.h instead when it can.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace layerscope {

enum class DigestAlgorithm { kSha256, kSha512 };

struct Digest {
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string hex;
  std::string str() const;  // "sha256:<hex>"
  bool operator==(const Digest&) const = default;
};

const char* digest_algorithm_name(DigestAlgorithm algorithm);

// Parses "sha256:<64 hex>" / "sha512:<128 hex>". Throws Error(kUnsupported) for another
// algorithm and Error(kFormat) for a malformed string; `what` names the field in messages.
Digest parse_digest(std::string_view text, std::string_view what);

// True when `text` is exactly a digest of a known algorithm (no throw).
bool looks_like_digest(std::string_view text);

// Short form for tables: "sha256:ab12cd34ef56".
std::string short_digest(std::string_view digest, size_t hex_chars = 12);

class Hasher {
 public:
  explicit Hasher(DigestAlgorithm algorithm = DigestAlgorithm::kSha256);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, size_t size);
  Digest finish();  // may be called once
  DigestAlgorithm algorithm() const { return algorithm_; }

 private:
  struct Impl;
  DigestAlgorithm algorithm_;
  std::unique_ptr<Impl> impl_;
};

Digest digest_of(std::string_view bytes, DigestAlgorithm algorithm = DigestAlgorithm::kSha256);

}  // namespace layerscope

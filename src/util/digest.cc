#include "util/digest.h"

#include <openssl/evp.h>

#include "layerscope/error.h"

namespace layerscope {

namespace {

size_t hex_length(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 ? 64 : 128;
}

bool is_lower_hex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::optional<DigestAlgorithm> algorithm_from_name(std::string_view name) {
  if (name == "sha256") return DigestAlgorithm::kSha256;
  if (name == "sha512") return DigestAlgorithm::kSha512;
  return std::nullopt;
}

}  // namespace

const char* digest_algorithm_name(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

std::string Digest::str() const { return std::string(digest_algorithm_name(algorithm)) + ":" + hex; }

Digest parse_digest(std::string_view text, std::string_view what) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw Error(ErrorKind::kFormat, std::string(what) + ": not a digest: '" +
                                        std::string(text.substr(0, 80)) + "'");
  }
  auto algorithm = algorithm_from_name(text.substr(0, colon));
  if (!algorithm) {
    throw Error(ErrorKind::kUnsupported, std::string(what) + ": unsupported digest algorithm '" +
                                             std::string(text.substr(0, std::min<size_t>(colon, 40))) +
                                             "' (sha256 and sha512 are supported)");
  }
  auto hex = text.substr(colon + 1);
  if (hex.size() != hex_length(*algorithm) || !is_lower_hex(hex)) {
    throw Error(ErrorKind::kFormat, std::string(what) + ": malformed " +
                                        digest_algorithm_name(*algorithm) + " digest '" +
                                        std::string(text.substr(0, 80)) + "'");
  }
  return Digest{*algorithm, std::string(hex)};
}

bool looks_like_digest(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto algorithm = algorithm_from_name(text.substr(0, colon));
  auto hex = text.substr(colon + 1);
  return algorithm && hex.size() == hex_length(*algorithm) && is_lower_hex(hex);
}

std::string short_digest(std::string_view digest, size_t hex_chars) {
  auto colon = digest.find(':');
  if (colon == std::string_view::npos) return std::string(digest.substr(0, hex_chars));
  return std::string(digest.substr(0, std::min(digest.size(), colon + 1 + hex_chars)));
}

struct Hasher::Impl {
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher(DigestAlgorithm algorithm) : algorithm_(algorithm), impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1) {
    throw Error(ErrorKind::kInternal, "cannot initialise the OpenSSL digest context");
  }
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::update(const void* data, size_t size) {
  if (size) EVP_DigestUpdate(impl_->ctx, data, size);
}

Digest Hasher::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &len);
  static const char* kHex = "0123456789abcdef";
  std::string hex(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    hex[2 * i] = kHex[out[i] >> 4];
    hex[2 * i + 1] = kHex[out[i] & 15];
  }
  return Digest{algorithm_, std::move(hex)};
}

Digest digest_of(std::string_view bytes, DigestAlgorithm algorithm) {
  Hasher h(algorithm);
  h.update(bytes.data(), bytes.size());
  return h.finish();
}

}  // namespace layerscope

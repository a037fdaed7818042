// Looks at the first bytes of every regular file, while the layer streams by, for signs of
// credentials: a PEM private-key header anywhere, or a token/password in the files package
// managers and docker keep them in (.npmrc, .pypirc, .netrc, .git-credentials,
// .docker/config.json). Only a flag survives; the bytes are never stored or reported.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace layerscope {

class SecretSniffer {
 public:
  void start(std::string_view path, uint64_t size);
  void feed(const uint8_t* data, size_t size);
  uint8_t finish();  // EntryFlag bits

 private:
  enum class Kind { kPlain, kNpmrc, kPypirc, kNetrc, kGitCredentials, kDockerConfig };
  Kind kind_ = Kind::kPlain;
  size_t want_ = 0;
  std::string head_;
};

}  // namespace layerscope

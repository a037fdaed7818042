// Bearer tokens (docker registry "Token Authentication Specification", distribution
// docs/spec/auth/token.md, and the OAuth2 variant in oauth.md). A token is asked of the
// realm named in the challenge:
//
//   GET {realm}?service={service}&scope=repository:{name}:pull     (Basic auth if we have credentials)
//   POST {realm}  grant_type=refresh_token&refresh_token=…&service=…&scope=…&client_id=…
//
// and the answer is {"token"|"access_token": …, "expires_in": seconds (default 60), …}.
// Tokens are cached per scope until shortly before they expire.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace layerscope::registry {

inline constexpr std::chrono::seconds kDefaultTokenLifetime{60};

struct TokenResponse {
  std::string token;
  std::chrono::seconds expires_in = kDefaultTokenLifetime;
};

// Throws Error(kNetwork) when the body holds no token. Never quotes the body.
TokenResponse parse_token_response(const std::string& body);

// realm + "?service=…&scope=…" with the values percent-encoded (RFC 3986 unreserved kept).
std::string token_url(const std::string& realm, const std::string& service, const std::string& scope);
std::string form_encode(const std::string& value);

class TokenCache {
 public:
  using Clock = std::chrono::steady_clock;
  // A token still good at `now` (with a safety margin), if any.
  std::optional<std::string> get(const std::string& scope, Clock::time_point now) const;
  void put(const std::string& scope, std::string token, std::chrono::seconds lifetime, Clock::time_point obtained);
  // Forgets the scope's token if it is still `token` (another thread may have refreshed it).
  void drop(const std::string& scope, const std::string& token);
  void clear() { tokens_.clear(); }

 private:
  struct Entry {
    std::string token;
    Clock::time_point refresh_at;
  };
  std::map<std::string, Entry> tokens_;
};

}  // namespace layerscope::registry

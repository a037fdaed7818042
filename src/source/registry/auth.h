// Authentication against one registry repository (docker registry token auth spec
// "How to authenticate", distribution-spec's 401 handling). The registry says how in the
// WWW-Authenticate of a 401: `Basic` means send the credentials with every request;
// `Bearer realm,service,scope` means fetch a token from the realm (anonymously, with
// Basic credentials, or with an OAuth2 refresh token) and send that. Tokens are cached
// per scope and refreshed when they expire or when the registry turns one down.
//
// Credentials are looked up only when a registry asks for them, so anonymous pulls never
// run a credential helper. One Authenticator serves every layer stream of an image: all of
// its state sits behind one mutex, and a token fetch happens on the caller's own connection
// so a thread waiting for a connection slot can never block a refresh.
#pragma once

#include <mutex>
#include <optional>
#include <string>

#include "source/registry/credentials.h"
#include "source/registry/http_client.h"
#include "source/registry/retry.h"
#include "source/registry/token.h"

namespace layerscope::registry {

class Authenticator {
 public:
  Authenticator(CredentialSettings settings, std::string domain, std::string repository, RetryPolicy retry);

  // The Authorization header value to send now ("" for none); may fetch a token on `conn`.
  std::string authorization(HttpConnection& conn);
  // A 401 came back carrying `www_authenticate` for a request sent with `sent` (the
  // Authorization value, "" for none). True when trying again with fresh auth may help.
  bool on_unauthorized(const std::string& www_authenticate, const std::string& sent);
  // What to add to an UNAUTHORIZED message: where credentials came from, or where we looked.
  std::string hint();

 private:
  const Credentials* credentials();  // mutex_ held
  std::string fetch_token(HttpConnection& conn);  // mutex_ held

  const CredentialSettings settings_;
  const std::string domain_, repository_;
  const RetryPolicy retry_;
  std::mutex mutex_;
  std::string scheme_;  // "", "basic" or "bearer"
  std::string realm_, service_, scope_;
  bool looked_up_ = false;
  std::optional<Credentials> credentials_;
  TokenCache tokens_;
};

}  // namespace layerscope::registry

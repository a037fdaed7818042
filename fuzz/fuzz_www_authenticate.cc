// fuzz_www_authenticate: what a registry (or anything posing as one) sends back in text:
// the WWW-Authenticate challenge header, token endpoint JSON, registry error bodies, the
// Retry-After header, base64 credentials (JWT payloads, config.json `auth`), and the
// docker:// reference the user types. A hostile registry must never crash layerscope;
// these parsers either skip what they do not understand or throw a layerscope::Error.
//
// The whole input goes through every parser; the first byte also picks an HTTP status.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "layerscope/error.h"
#include "source/registry/credentials.h"
#include "source/registry/reference.h"
#include "source/registry/registry_error.h"
#include "source/registry/retry.h"
#include "source/registry/token.h"
#include "source/registry/www_authenticate.h"
#include "util/base64.h"

using namespace layerscope;
using namespace layerscope::registry;

namespace {
void check(const Error& e) {
  if (e.kind() == ErrorKind::kInternal) {
    std::fprintf(stderr, "internal error: %s\n", e.what());
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64 << 10)) return 0;
  std::string in(reinterpret_cast<const char*>(data), size);

  for (const Challenge& c : parse_www_authenticate(in)) {
    std::string realm = c.param("realm");
    (void)token_url(realm, c.param("service"), c.param("scope"));
    (void)form_encode(c.param("scope"));
  }

  try {
    TokenResponse t = parse_token_response(in);
    TokenCache cache;
    auto now = TokenCache::Clock::now();
    cache.put("scope", t.token, t.expires_in, now);
    (void)cache.get("scope", now);
  } catch (const Error& e) {
    check(e);
  }

  static const long kStatuses[] = {400, 401, 403, 404, 405, 429, 500, 502, 503, 0, -1, 999, 200, 206, 418, 301};
  long status = kStatuses[size ? data[0] % 16 : 0];
  (void)describe_registry_error(status, in);
  (void)registry_error("fuzz", status, in);

  RetryPolicy retry;
  auto d = retry.delay(size ? data[0] % 12 : 0, in);
  if (d.count() < 0 || d > retry.max_retry_after + retry.max_delay) {
    std::fprintf(stderr, "retry delay out of range: %lld ms\n", (long long)d.count());
    std::abort();
  }

  if (auto decoded = base64_decode(in)) (void)base64_encode(*decoded);
  (void)normalize_auth_key(in);

  try {
    RegistryReference r = parse_registry_reference(in);
    (void)r.str();
    (void)r.api_host();
    (void)is_loopback_host(r.hostname());
    // The canonical form must parse back to itself.
    RegistryReference again = parse_registry_reference(r.str());
    if (again.str() != r.str()) {
      std::fprintf(stderr, "reference does not round-trip: '%s' -> '%s'\n", r.str().c_str(), again.str().c_str());
      std::abort();
    }
  } catch (const Error& e) {
    check(e);
  }
  return 0;
}

// A client for one repository of one registry (OCI distribution-spec "Pulling manifests"
// and "Pulling blobs"; Docker Registry HTTP API v2). Construction pings `/v2/` to settle
// the scheme and learn how the registry authenticates:
//
//   - HTTPS, verified against the system CAs plus --cert-dir (or
//     /etc/containers/certs.d/HOST, /etc/docker/certs.d/HOST);
//   - plain HTTP only when the TLS handshake fails because the peer does not speak TLS,
//     and only for loopback registries or with --tls-verify=false. An untrusted
//     certificate is never downgraded.
//
// open() returns a transfer whose 200/206 headers are in, after authenticating, retrying
// transient failures with backoff and turning registry error bodies into messages. It is
// safe to call from several threads, each on its own leased connection.
#pragma once

#include <memory>
#include <string>

#include "layerscope/analysis.h"
#include "layerscope/error.h"
#include "source/registry/auth.h"
#include "source/registry/http_client.h"
#include "source/registry/reference.h"
#include "source/registry/retry.h"

namespace layerscope::registry {

// Every manifest type we read, for content negotiation.
extern const char* const kManifestAccept;

class RegistryClient {
 public:
  RegistryClient(RegistryReference ref, const RegistryOptions& options);

  const RegistryReference& reference() const { return ref_; }
  std::string describe() const { return ref_.str(); }
  HttpPool& pool() const { return *pool_; }
  const RetryPolicy& retry() const { return retry_; }

  // GET /v2/<name>/<path> on `conn`, from byte `range_from` on. Returns once a 200 or 206
  // answer's headers are in; throws layerscope::Error (kNetwork, kNotFound) otherwise.
  std::unique_ptr<HttpTransfer> open(HttpConnection& conn, const std::string& path, const std::string& accept,
                                     uint64_t range_from, const std::string& what) const;

  struct Document {
    std::string bytes;
    std::string content_type;
  };
  // A whole small document (manifest, config), at most `cap` bytes, restarted on failure.
  Document fetch(const std::string& path, const std::string& accept, size_t cap, const std::string& what) const;

 private:
  void ping(bool allow_plain_http);

  RegistryReference ref_;
  std::string base_url_;  // "https://host[:port]"
  RetryPolicy retry_;
  std::unique_ptr<HttpPool> pool_;
  std::unique_ptr<Authenticator> auth_;
};

// The Error for a transfer that ended without an answer.
Error transport_error(const std::string& what, const TransportError& error);

}  // namespace layerscope::registry

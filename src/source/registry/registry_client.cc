#include "source/registry/registry_client.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "layerscope/error.h"
#include "source/registry/registry_error.h"
#include "util/text.h"

namespace layerscope::registry {

const char* const kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

namespace {

constexpr size_t kMaxErrorBodyBytes = 64 * 1024;
constexpr unsigned kMaxReauthentications = 2;

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// containers-certs.d(5): *.crt are CAs, X.cert + X.key a client certificate pair.
void read_cert_dir(const std::string& dir, HttpSettings& s) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) throw Error(ErrorKind::kConfig, dir + ": cannot read the certificate directory");
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) names.emplace_back(e->d_name);
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const auto& n : names) {
    if (ends_with(n, ".crt")) s.ca_files.push_back(dir + "/" + n);
    if (ends_with(n, ".cert")) {
      std::string key = n.substr(0, n.size() - 5) + ".key";
      if (std::find(names.begin(), names.end(), key) == names.end()) {
        throw Error(ErrorKind::kConfig, dir + "/" + n + ": client certificate without " + key);
      }
      s.client_cert = dir + "/" + n;
      s.client_key = dir + "/" + key;
    }
  }
}

HttpSettings http_settings(const RegistryReference& ref, const RegistryOptions& o) {
  HttpSettings s;
  s.tls_verify = o.tls_verify;
  s.connect_timeout_ms = std::max(1L, std::lround(o.connect_timeout_s * 1000));
  s.stall_timeout_ms = std::max(1L, std::lround(o.stall_timeout_s * 1000));
  if (!o.cert_dir.empty()) {
    if (!is_dir(o.cert_dir)) throw Error(ErrorKind::kConfig, o.cert_dir + ": --cert-dir is not a directory");
    read_cert_dir(o.cert_dir, s);
  } else {
    for (const char* base : {"/etc/containers/certs.d/", "/etc/docker/certs.d/"}) {
      std::string dir = base + ref.domain;
      if (is_dir(dir)) read_cert_dir(dir, s);
    }
  }
  return s;
}

}  // namespace

Error transport_error(const std::string& what, const TransportError& error) {
  if (error.kind == TransportFailure::kTlsVerify) {
    return Error(ErrorKind::kNetwork, what + ": the registry's TLS certificate is not trusted (" + error.message +
                                          "); give its CA with --cert-dir DIR, or use --tls-verify=false");
  }
  return Error(ErrorKind::kNetwork, what + ": " + error.message);
}

RegistryClient::RegistryClient(RegistryReference ref, const RegistryOptions& options) : ref_(std::move(ref)) {
  retry_.max_attempts = options.retries + 1;
  pool_ = std::make_unique<HttpPool>(http_settings(ref_, options), options.max_connections);
  auth_ = std::make_unique<Authenticator>(CredentialSettings::from_environment(options.creds, options.authfile),
                                          ref_.domain, ref_.repository, retry_);
  ping(!options.tls_verify || is_loopback_host(ref_.hostname()));
}

void RegistryClient::ping(bool allow_plain_http) {
  auto lease = pool_->acquire();
  const std::string what = ref_.domain;
  for (const char* scheme : {"https", "http"}) {
    std::string base = std::string(scheme) + "://" + ref_.api_host();
    HttpRequest req;
    req.url = base + "/v2/";
    unsigned failures = 0;
    bool next_scheme = false;
    for (;;) {
      HttpTransfer t(lease.connection(), req);
      if (!t.wait_headers()) {
        const TransportError& err = t.error();
        if (err.kind == TransportFailure::kTlsHandshake && allow_plain_http && std::string(scheme) == "https") {
          next_scheme = true;  // the registry speaks plain HTTP
          break;
        }
        if (retryable_failure(err.kind) && ++failures < retry_.max_attempts) {
          wait_for(retry_.delay(failures));
          continue;
        }
        throw transport_error(what, err);
      }
      t.read_rest(kMaxErrorBodyBytes);
      long status = t.status();
      if (retryable_status(status) && ++failures < retry_.max_attempts) {
        wait_for(retry_.delay(failures, t.headers().get("retry-after")));
        continue;
      }
      if (status == 404) {
        throw Error(ErrorKind::kNetwork, what + ": not a registry (GET /v2/ answered HTTP 404)");
      }
      // 401 tells how to authenticate; anything else is left for the real requests to report.
      if (status == 401) auth_->on_unauthorized(t.headers().get("www-authenticate"), "");
      base_url_ = base;
      return;
    }
    if (!next_scheme) break;
  }
}

std::unique_ptr<HttpTransfer> RegistryClient::open(HttpConnection& conn, const std::string& path,
                                                   const std::string& accept, uint64_t range_from,
                                                   const std::string& what) const {
  unsigned failures = 0, reauthentications = 0;
  for (;;) {
    HttpRequest req;
    req.url = base_url_ + "/v2/" + ref_.repository + "/" + path;
    req.range_from = range_from;
    if (!accept.empty()) req.headers.push_back("Accept: " + accept);
    std::string authorization;
    try {
      authorization = auth_->authorization(conn);
    } catch (Error& e) {
      throw e.with_context(what);
    }
    if (!authorization.empty()) req.headers.push_back("Authorization: " + authorization);
    auto t = std::make_unique<HttpTransfer>(conn, req);
    if (!t->wait_headers()) {
      if (retryable_failure(t->error().kind) && ++failures < retry_.max_attempts) {
        wait_for(retry_.delay(failures));
        continue;
      }
      throw transport_error(what, t->error());
    }
    long status = t->status();
    if (status == 200 || status == 206) return t;
    std::string body = t->read_rest(kMaxErrorBodyBytes);
    if (status == 401 && reauthentications < kMaxReauthentications &&
        auth_->on_unauthorized(t->headers().get("www-authenticate"), authorization)) {
      ++reauthentications;
      continue;
    }
    if (retryable_status(status) && ++failures < retry_.max_attempts) {
      wait_for(retry_.delay(failures, t->headers().get("retry-after")));
      continue;
    }
    Error e = registry_error(what, status, body);
    if (status == 401 || status == 403) e = Error(ErrorKind::kNetwork, e.text() + auth_->hint());
    throw e;
  }
}

RegistryClient::Document RegistryClient::fetch(const std::string& path, const std::string& accept, size_t cap,
                                               const std::string& what) const {
  auto lease = pool_->acquire();
  unsigned failures = 0;
  for (;;) {
    auto t = open(lease.connection(), path, accept, 0, what);
    std::string bytes = t->read_rest(cap);
    if (t->failed()) {
      if (retryable_failure(t->error().kind) && ++failures < retry_.max_attempts) {
        wait_for(retry_.delay(failures));
        continue;
      }
      throw transport_error(what, t->error());
    }
    if (bytes.size() > cap) {
      throw Error(ErrorKind::kLimit, what + ": larger than the " + std::to_string(cap) + "-byte limit for metadata");
    }
    std::string type = t->headers().get("content-type");
    return Document{std::move(bytes), type.substr(0, type.find(';'))};
  }
}

}  // namespace layerscope::registry

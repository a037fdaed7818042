#include "source/registry/auth.h"

#include "layerscope/error.h"
#include "source/registry/registry_error.h"
#include "source/registry/www_authenticate.h"
#include "util/base64.h"

namespace layerscope::registry {

namespace {

constexpr size_t kMaxTokenResponseBytes = 1 << 20;
constexpr const char* kClientId = "layerscope";

// "https://auth.example.com/token?x" -> "auth.example.com": the part of a realm safe to show.
std::string realm_host(const std::string& realm) {
  auto start = realm.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  return realm.substr(start, realm.find_first_of("/?#", start) - start);
}

}  // namespace

Authenticator::Authenticator(CredentialSettings settings, std::string domain, std::string repository, RetryPolicy retry)
    : settings_(std::move(settings)), domain_(std::move(domain)), repository_(std::move(repository)), retry_(retry) {
  scope_ = "repository:" + repository_ + ":pull";
}

const Credentials* Authenticator::credentials() {
  if (!looked_up_) {
    credentials_ = find_credentials(settings_, domain_, repository_);
    looked_up_ = true;
  }
  return credentials_ ? &*credentials_ : nullptr;
}

std::string Authenticator::authorization(HttpConnection& conn) {
  std::lock_guard lock(mutex_);
  if (scheme_ == "basic") {
    const Credentials* c = credentials();
    if (!c || c->username.empty()) return "";
    return "Basic " + base64_encode(c->username + ":" + c->password);
  }
  if (scheme_ == "bearer") {
    if (auto t = tokens_.get(scope_, TokenCache::Clock::now())) return "Bearer " + *t;
    return "Bearer " + fetch_token(conn);
  }
  return "";
}

bool Authenticator::on_unauthorized(const std::string& www_authenticate, const std::string& sent) {
  std::lock_guard lock(mutex_);
  const Challenge* bearer = nullptr;
  const Challenge* basic = nullptr;
  auto challenges = parse_www_authenticate(www_authenticate);
  for (const auto& c : challenges) {
    if (c.scheme == "bearer" && !bearer) bearer = &c;
    if (c.scheme == "basic" && !basic) basic = &c;
  }
  if (bearer && !bearer->param("realm").empty()) {
    std::string realm = bearer->param("realm");
    std::string service = bearer->param("service");
    std::string scope = bearer->param("scope").empty() ? "repository:" + repository_ + ":pull" : bearer->param("scope");
    bool changed = scheme_ != "bearer" || realm != realm_ || service != service_ || scope != scope_;
    scheme_ = "bearer";
    realm_ = realm;
    service_ = service;
    scope_ = scope;
    if (changed) return true;
    // Same challenge although we sent a token: it expired early or was revoked. Fetch anew.
    if (sent.rfind("Bearer ", 0) == 0) tokens_.drop(scope_, sent.substr(7));
    return true;
  }
  if (basic) {
    bool changed = scheme_ != "basic";
    scheme_ = "basic";
    const Credentials* c = credentials();
    if (!c || c->username.empty()) return false;
    return changed || sent.empty();  // the same password again will not do better
  }
  return false;
}

std::string Authenticator::hint() {
  std::lock_guard lock(mutex_);
  const Credentials* c = nullptr;
  try {
    c = credentials();
  } catch (const Error&) {
  }
  if (c) return "; the registry refused the credentials from " + c->source;
  std::string where;
  for (const auto& f : credential_files(settings_)) where += (where.empty() ? "" : ", ") + f;
  return "; no credentials for " + domain_ + " (looked in " + where + "; give them with --creds USER:PASSWORD or --authfile)";
}

std::string Authenticator::fetch_token(HttpConnection& conn) {
  const Credentials* c = credentials();
  const std::string what = "the token server " + realm_host(realm_);
  HttpRequest req;
  if (c && !c->identity_token.empty()) {
    // OAuth2 refresh-token grant (distribution docs/spec/auth/oauth.md).
    req.method = "POST";
    req.url = realm_;
    req.body = "grant_type=refresh_token&service=" + form_encode(service_) + "&scope=" + form_encode(scope_) +
               "&client_id=" + kClientId + "&refresh_token=" + form_encode(c->identity_token);
    req.headers.push_back("Content-Type: application/x-www-form-urlencoded");
  } else {
    req.url = token_url(realm_, service_, scope_);
    if (c && !c->username.empty()) req.headers.push_back("Authorization: Basic " + base64_encode(c->username + ":" + c->password));
  }
  unsigned failures = 0;
  for (;;) {
    auto obtained = TokenCache::Clock::now();
    HttpTransfer t(conn, req);
    std::string body;
    bool ok = t.wait_headers();
    if (ok) body = t.read_rest(kMaxTokenResponseBytes);
    if (!ok || t.failed()) {
      if (retryable_failure(t.error().kind) && ++failures < retry_.max_attempts) {
        wait_for(retry_.delay(failures));
        continue;
      }
      throw Error(ErrorKind::kNetwork, what + ": " + t.error().message);
    }
    long status = t.status();
    if (status == 200) {
      TokenResponse r = parse_token_response(body);
      tokens_.put(scope_, r.token, r.expires_in, obtained);
      return r.token;
    }
    if (retryable_status(status) && ++failures < retry_.max_attempts) {
      wait_for(retry_.delay(failures, t.headers().get("retry-after")));
      continue;
    }
    if (status == 401 || status == 403) {
      std::string who = c ? "the credentials from " + c->source : "anonymous access";
      throw Error(ErrorKind::kNetwork, std::string(status == 401 ? "UNAUTHORIZED" : "DENIED") + ": " + what +
                                           " refused " + who + " (HTTP " + std::to_string(status) + ")");
    }
    throw Error(ErrorKind::kNetwork, what + ": " + describe_registry_error(status, body));
  }
}

}  // namespace layerscope::registry

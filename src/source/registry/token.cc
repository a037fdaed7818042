#include "source/registry/token.h"

#include <nlohmann/json.hpp>

#include "layerscope/error.h"

namespace layerscope::registry {

TokenResponse parse_token_response(const std::string& body) {
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) throw Error(ErrorKind::kNetwork, "the token server's answer is not JSON");
  TokenResponse r;
  for (const char* key : {"token", "access_token"}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string() && !it->get<std::string>().empty()) {
      r.token = it->get<std::string>();
      break;
    }
  }
  if (r.token.empty()) throw Error(ErrorKind::kNetwork, "the token server's answer holds no token");
  auto exp = doc.find("expires_in");
  if (exp != doc.end() && exp->is_number() && exp->get<double>() > 0) {
    r.expires_in = std::chrono::seconds(static_cast<long long>(exp->get<double>()));
  }
  return r;
}

std::string form_encode(const std::string& value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string token_url(const std::string& realm, const std::string& service, const std::string& scope) {
  std::string url = realm;
  char sep = realm.find('?') == std::string::npos ? '?' : '&';
  if (!service.empty()) {
    url += sep + std::string("service=") + form_encode(service);
    sep = '&';
  }
  if (!scope.empty()) url += sep + std::string("scope=") + form_encode(scope);
  return url;
}

std::optional<std::string> TokenCache::get(const std::string& scope, Clock::time_point now) const {
  auto it = tokens_.find(scope);
  if (it == tokens_.end() || now >= it->second.refresh_at) return std::nullopt;
  return it->second.token;
}

void TokenCache::put(const std::string& scope, std::string token, std::chrono::seconds lifetime,
                     Clock::time_point obtained) {
  // Refresh a little early: a tenth of the lifetime, at most 10 s, so a request does not set
  // out with a token that expires on the way.
  auto margin = std::min<Clock::duration>(std::chrono::duration_cast<Clock::duration>(lifetime) / 10,
                                          std::chrono::seconds(10));
  tokens_[scope] = Entry{std::move(token), obtained + lifetime - margin};
}

void TokenCache::drop(const std::string& scope, const std::string& token) {
  auto it = tokens_.find(scope);
  if (it != tokens_.end() && it->second.token == token) tokens_.erase(it);
}

}  // namespace layerscope::registry

#include "source/registry/credentials.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "layerscope/error.h"
#include "source/registry/credential_helper.h"
#include "source/registry/reference.h"
#include "util/base64.h"
#include "util/json.h"

namespace layerscope::registry {

namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxAuthFileBytes = 4 << 20;
constexpr const char* kHubLegacyUrl = "https://index.docker.io/v1/";

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool file_exists(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string host_alias(std::string host) {
  if (host == "index.docker.io" || host == "registry-1.docker.io") return kDockerHubDomain;
  return host;
}

// Most specific first: "host/a/b/c", "host/a/b", "host/a", "host".
std::vector<std::string> candidate_keys(const std::string& domain, const std::string& repository) {
  std::vector<std::string> keys;
  std::string path = repository;
  for (;;) {
    keys.push_back(domain + "/" + path);
    auto slash = path.rfind('/');
    if (slash == std::string::npos) break;
    path = path.substr(0, slash);
  }
  keys.push_back(domain);
  return keys;
}

// What a credential helper is asked for: docker stores Docker Hub under its legacy URL.
std::string helper_server_url(const std::string& domain) {
  return domain == kDockerHubDomain ? kHubLegacyUrl : domain;
}

json read_auth_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorKind::kConfig, path + ": cannot read the auth file");
  std::ostringstream ss;
  ss << f.rdbuf();
  std::string text = ss.str();
  if (text.size() > kMaxAuthFileBytes) throw Error(ErrorKind::kConfig, path + ": auth file is too large");
  json doc;
  try {
    doc = parse_json(text, path);
  } catch (const Error& e) {
    // The parser's message quotes no content, but say only what the user needs.
    throw Error(ErrorKind::kConfig, path + ": auth file is not valid JSON");
  }
  if (!doc.is_object()) throw Error(ErrorKind::kConfig, path + ": auth file is not a JSON object");
  return doc;
}

std::string get_string(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<Credentials> from_helper(const std::string& helper, const std::string& domain, const std::string& where) {
  auto answer = run_credential_helper(helper, helper_server_url(domain));
  if (!answer) return std::nullopt;
  Credentials c;
  c.source = where + " (docker-credential-" + helper + ")";
  // Username "<token>" marks an identity token (docker-credential-helpers' convention).
  if (answer->username == "<token>") {
    c.identity_token = answer->secret;
  } else {
    c.username = answer->username;
    c.password = answer->secret;
  }
  return c;
}

std::optional<Credentials> from_auth_entry(const json& entry, const std::string& path) {
  if (!entry.is_object()) return std::nullopt;
  Credentials c;
  c.source = path;
  c.identity_token = get_string(entry, "identitytoken");
  std::string auth = get_string(entry, "auth");
  if (!auth.empty()) {
    auto decoded = base64_decode(auth);
    auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) throw Error(ErrorKind::kConfig, path + ": an \"auth\" entry is not base64 of user:password");
    c.username = decoded->substr(0, colon);
    c.password = decoded->substr(colon + 1);
  } else {
    c.username = get_string(entry, "username");
    c.password = get_string(entry, "password");
  }
  if (c.username.empty() && c.password.empty() && c.identity_token.empty()) return std::nullopt;
  return c;
}

std::optional<Credentials> lookup_in_file(const std::string& path, const std::string& domain,
                                          const std::string& repository) {
  json doc = read_auth_file(path);
  const auto keys = candidate_keys(domain, repository);
  // 1. A helper configured for this registry.
  if (auto helpers = doc.find("credHelpers"); helpers != doc.end() && helpers->is_object()) {
    for (auto it = helpers->begin(); it != helpers->end(); ++it) {
      if (normalize_auth_key(it.key()) == domain && it->is_string()) {
        if (auto c = from_helper(it->get<std::string>(), domain, path)) return c;
      }
    }
  }
  // 2. Inline credentials, the most specific key first.
  if (auto auths = doc.find("auths"); auths != doc.end() && auths->is_object()) {
    for (const auto& want : keys) {
      for (auto it = auths->begin(); it != auths->end(); ++it) {
        if (normalize_auth_key(it.key()) != want) continue;
        if (auto c = from_auth_entry(*it, path)) return c;
      }
    }
  }
  // 3. The default store.
  std::string store = get_string(doc, "credsStore");
  if (!store.empty()) return from_helper(store, domain, path);
  return std::nullopt;
}

}  // namespace

CredentialSettings CredentialSettings::from_environment(std::string creds, std::string authfile) {
  CredentialSettings s;
  s.creds = std::move(creds);
  s.authfile = std::move(authfile);
  s.registry_auth_file = env("REGISTRY_AUTH_FILE");
  s.xdg_runtime_dir = env("XDG_RUNTIME_DIR");
  s.docker_config = env("DOCKER_CONFIG");
  s.home = env("HOME");
  return s;
}

std::string normalize_auth_key(const std::string& key) {
  std::string k = key;
  bool had_scheme = false;
  for (const char* scheme : {"https://", "http://"}) {
    if (k.rfind(scheme, 0) == 0) {
      k = k.substr(std::string(scheme).size());
      had_scheme = true;
    }
  }
  // URL keys are docker's legacy form: only the host counts ("…/v1/", "…/v2/").
  if (had_scheme) k = k.substr(0, k.find('/'));
  while (!k.empty() && k.back() == '/') k.pop_back();
  auto slash = k.find('/');
  std::string host = host_alias(k.substr(0, slash));
  return slash == std::string::npos ? host : host + k.substr(slash);
}

std::vector<std::string> credential_files(const CredentialSettings& s) {
  if (!s.authfile.empty()) return {s.authfile};
  std::vector<std::string> files;
  if (!s.registry_auth_file.empty()) files.push_back(s.registry_auth_file);
  if (!s.xdg_runtime_dir.empty()) files.push_back(s.xdg_runtime_dir + "/containers/auth.json");
  if (!s.home.empty()) files.push_back(s.home + "/.config/containers/auth.json");
  if (!s.docker_config.empty()) files.push_back(s.docker_config + "/config.json");
  else if (!s.home.empty()) files.push_back(s.home + "/.docker/config.json");
  return files;
}

std::optional<Credentials> find_credentials(const CredentialSettings& settings, const std::string& domain,
                                            const std::string& repository) {
  if (!settings.creds.empty()) {
    auto colon = settings.creds.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw Error(ErrorKind::kUsage, "--creds: expected USER:PASSWORD");
    }
    return Credentials{settings.creds.substr(0, colon), settings.creds.substr(colon + 1), "", "--creds"};
  }
  const std::string host = host_alias(domain);
  for (const auto& path : credential_files(settings)) {
    if (!settings.authfile.empty() && !file_exists(path)) {
      throw Error(ErrorKind::kConfig, path + ": --authfile does not exist");
    }
    if (!file_exists(path)) continue;
    if (auto c = lookup_in_file(path, host, repository)) return c;
  }
  return std::nullopt;
}

}  // namespace layerscope::registry

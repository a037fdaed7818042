// Where registry credentials come from, in the order skopeo and podman look
// (containers-auth.json(5)) with docker's config.json (docker/cli configfile) as the fallback:
//
//   1. --creds USER:PASSWORD
//   2. --authfile FILE, and then no other file
//   3. $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
//      $HOME/.config/containers/auth.json, $DOCKER_CONFIG/config.json (else
//      $HOME/.docker/config.json) — the first file with an answer wins.
//
// Within a file: `credHelpers[host]`, then an inline `auths` entry (`auth` = base64
// "user:password", or `username`/`password`, or `identitytoken`), then `credsStore`.
// `auths` keys may be URLs ("https://index.docker.io/v1/") or podman's
// "host/namespace" keys; the most specific key matching the repository wins.
// Docker Hub's aliases (index.docker.io, registry-1.docker.io) all mean docker.io.
//
// Nothing here ever puts a secret into an error message.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace layerscope::registry {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // OAuth2 refresh token (docker `identitytoken`, helper user "<token>")
  std::string source;          // where they were found, for messages; never the secret
};

struct CredentialSettings {
  std::string creds;     // --creds USER:PASSWORD
  std::string authfile;  // --authfile
  // The process environment, captured so tests can inject it.
  std::string registry_auth_file;  // $REGISTRY_AUTH_FILE
  std::string xdg_runtime_dir;     // $XDG_RUNTIME_DIR
  std::string docker_config;       // $DOCKER_CONFIG
  std::string home;                // $HOME

  static CredentialSettings from_environment(std::string creds, std::string authfile);
};

// Credentials for `domain` ("docker.io", "127.0.0.1:5000") and `repository`, or nullopt.
// Throws Error(kUsage) for a malformed --creds and Error(kConfig) for an unreadable auth
// file or a failing credential helper.
std::optional<Credentials> find_credentials(const CredentialSettings& settings, const std::string& domain,
                                            const std::string& repository);

// The auth files find_credentials consults, in order (existing or not), for messages.
std::vector<std::string> credential_files(const CredentialSettings& settings);

// "https://index.docker.io/v1/" -> "docker.io", "http://host:5000/v2/" -> "host:5000",
// "quay.io/org/" -> "quay.io/org": the form auth-file keys are compared in.
std::string normalize_auth_key(const std::string& key);

}  // namespace layerscope::registry

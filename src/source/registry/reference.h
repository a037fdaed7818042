// Registry image references as docker and the distribution project spell them
// (github.com/distribution/reference, grammar in reference.go):
//
//   [DOMAIN[:PORT]/]PATH[:TAG][@ALGORITHM:HEX]
//
// The first path component is a domain only when it contains '.' or ':' or is "localhost";
// otherwise the image lives on Docker Hub ("docker.io"), and a one-component Hub name gets
// the "library/" prefix (`python:3.12` -> `docker.io/library/python:3.12`). With neither tag
// nor digest the tag is "latest". Docker Hub's API is served from registry-1.docker.io.
#pragma once

#include <string>

namespace layerscope::registry {

inline constexpr const char* kDockerHubDomain = "docker.io";
inline constexpr const char* kDockerHubApiHost = "registry-1.docker.io";

struct RegistryReference {
  std::string domain;      // "docker.io", "ghcr.io", "127.0.0.1:5000"
  std::string repository;  // "library/python"
  std::string tag;         // "" when pulled by digest only
  std::string digest;      // "sha256:<hex>" or ""

  // Where the API lives: registry-1.docker.io for Docker Hub, the domain otherwise.
  std::string api_host() const;
  // What the manifest endpoint is asked for: the digest when given, else the tag.
  std::string manifest_reference() const { return digest.empty() ? tag : digest; }
  // Canonical full form: "docker.io/library/python:3.12", "host/repo@sha256:…".
  std::string str() const;
  // "host" without the port, for the localhost rules.
  std::string hostname() const;
};

// Parses what follows "docker://". Throws Error(kUsage) naming what is wrong.
RegistryReference parse_registry_reference(const std::string& text);

// True for loopback registries (localhost, 127.0.0.0/8, ::1), which docker lets speak plain
// HTTP without being configured as insecure.
bool is_loopback_host(const std::string& hostname);

}  // namespace layerscope::registry

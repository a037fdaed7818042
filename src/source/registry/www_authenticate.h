// The WWW-Authenticate header of a 401 (RFC 7235 section 4.1, challenge grammar in 2.1):
//
//   WWW-Authenticate: Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
//                     scope="repository:library/python:pull"
//
// One header may hold several comma-separated challenges, and parameter values are tokens or
// quoted strings with backslash escapes. Registries send `Basic realm=…` (htpasswd) or
// `Bearer realm=…,service=…[,scope=…]` (docker registry token auth spec, "How to
// authenticate"); the scheme name is case-insensitive and is returned lowercased.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace layerscope::registry {

struct Challenge {
  std::string scheme;                        // "basic", "bearer", … (lowercase)
  std::map<std::string, std::string> params; // parameter names lowercased
  std::string param(const std::string& name) const;
};

// Parses one header value; malformed parts are skipped rather than thrown on, since the
// only use is choosing how to authenticate.
std::vector<Challenge> parse_www_authenticate(const std::string& header);

}  // namespace layerscope::registry

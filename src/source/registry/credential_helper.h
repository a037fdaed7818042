// Docker credential helpers (github.com/docker/docker-credential-helpers, client.Get):
// `docker-credential-NAME get` reads the server URL on stdin and prints
// {"ServerURL": …, "Username": …, "Secret": …}; "credentials not found" on stdout with a
// non-zero exit means it has nothing for that server. The helper's stderr is discarded so
// nothing it prints can reach our output.
#pragma once

#include <optional>
#include <string>

namespace layerscope::registry {

struct HelperAnswer {
  std::string username;
  std::string secret;
};

// Runs the helper with a timeout. nullopt when it has no credentials for `server_url`;
// throws Error(kConfig) when it is missing, fails or answers garbage.
std::optional<HelperAnswer> run_credential_helper(const std::string& name, const std::string& server_url,
                                                  int timeout_ms = 30000);

}  // namespace layerscope::registry

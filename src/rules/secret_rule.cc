// secret-file: files that hold credentials. By name (.env, SSH private keys,
// .git-credentials, cloud credential files) and by content flags the indexer set while
// streaming (a PEM private-key header; a token or password in .npmrc, .pypirc, .netrc or a
// docker config.json). Error severity even when a later layer deletes the file: the bytes
// are still in the image for anyone who pulls it. Values are never read into the report;
// each path carries a redacted hint of why it matched.
#include <map>

#include "rules/rule_context.h"
#include "util/path.h"

namespace layerscope::rules {

namespace {

// Returns why `path` looks like a secret, or "" when it does not.
std::string secret_reason(const LayerEntry& e) {
  std::string_view p = e.path;
  std::string_view base = base_name(p);
  if (base == ".env" || (starts_with(base, ".env.") && base != ".env.example" && base != ".env.sample" &&
                         base != ".env.template" && base != ".env.dist")) {
    return "dotenv file: environment secrets";
  }
  for (std::string_view key : {"id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"}) {
    if (base == key) return "SSH private key";
  }
  if (base == ".git-credentials") return "git credential store";
  if (has_sequence(p, ".aws/credentials")) return "AWS credentials file";
  if (has_sequence(p, ".config/gcloud/application_default_credentials.json") ||
      has_sequence(p, ".config/gcloud/credentials.db")) {
    return "Google Cloud credentials";
  }
  if (has_sequence(p, ".azure/accessTokens.json")) return "Azure access tokens";
  if (e.flags & kFlagCredentials) return "credentials file with a token or password";
  if (e.flags & kFlagPemPrivateKey) {
    // Test vectors shipped inside packages' test suites are not anyone's key.
    if (has_component(p, "tests") || has_component(p, "test") || has_component(p, "testdata")) return "";
    return "PEM private key header";
  }
  return "";
}

}  // namespace

void rule_secret_file(const RuleContext& ctx, std::vector<Finding>& out) {
  const auto& indexes = ctx.analysis.indexes;
  std::vector<EntryRef> matched;
  std::map<std::pair<int, uint32_t>, std::string> reason;
  for (size_t li = 0; li < indexes.size(); ++li) {
    for (size_t ei = 0; ei < indexes[li].entries.size(); ++ei) {
      const LayerEntry& e = indexes[li].entries[ei];
      if (!e.is_file() || ctx.allowed(e.path)) continue;
      std::string why = secret_reason(e);
      if (why.empty()) continue;
      matched.push_back({static_cast<int>(li), static_cast<uint32_t>(ei)});
      reason[{static_cast<int>(li), static_cast<uint32_t>(ei)}] = std::move(why);
    }
  }
  for (const auto& [origin, group] : group_by_origin(ctx, matched)) {
    std::vector<std::string> notes;
    for (const auto& m : group) notes.push_back(reason[{m.layer, m.entry}]);
    std::string msg = count_noun(group.size(), "file", "files") + " with secrets, from layer " + std::to_string(origin) +
                      reshipped_note(origin, group) +
                      ": anyone who pulls the image can read them, even if a later layer deletes them";
    out.push_back(ctx.make(origin, group, std::move(msg),
                           "keep secrets out of the build context (.dockerignore: `.env`, keys), pass them at run "
                           "time or with `RUN --mount=type=secret`, and rotate what was exposed",
                           &notes));
  }
}

}  // namespace layerscope::rules

// The rules, as a table. Order matters twice: it is the order findings claim bytes (the
// specific rules first, so a pip cache deleted later is reported as a pip cache, once), and
// the order `--help`-style listings show them.
#include "rules/rule_table.h"

namespace layerscope::rules {

const std::vector<RuleEntry>& rule_table() {
  static const std::vector<RuleEntry> table = {
      {{"secret-file", Severity::kError, "Secrets in the image",
        ".env files, private keys, credential files: readable by anyone who pulls the image"},
       rule_secret_file},
      {{"vcs-dir", Severity::kWarning, "Version-control metadata", ".git/.svn/.hg directories copied into the image"},
       rule_path_patterns},
      {{"pip-cache", Severity::kWarning, "pip cache", "pip's download and wheel cache left behind by pip install"},
       rule_path_patterns},
      {{"npm-cache", Severity::kWarning, "npm/yarn cache", "the JavaScript package managers' download caches"},
       rule_path_patterns},
      {{"lang-cache", Severity::kWarning, "Language build caches",
        "go-build, Go module cache, ~/.m2, ~/.cargo/registry, ~/.gradle, poetry and uv caches"},
       rule_path_patterns},
      {{"apt-lists", Severity::kWarning, "apt lists", "/var/lib/apt/lists left behind by apt-get update"},
       rule_path_patterns},
      {{"apt-archives", Severity::kWarning, "apt archives", "downloaded .deb files and caches in /var/cache/apt"},
       rule_path_patterns},
      {{"apk-cache", Severity::kWarning, "apk cache", "Alpine's package cache"}, rule_path_patterns},
      {{"dnf-yum-cache", Severity::kWarning, "dnf/yum cache", "Fedora/RHEL package caches"}, rule_path_patterns},
      {{"tests", Severity::kWarning, "Test suites", "test/ and tests/ directories of the app and of installed packages"},
       rule_path_patterns},
      {{"python-bytecode", Severity::kInfo, "Python bytecode",
        "__pycache__ and *.pyc: a start-up time versus size trade-off"},
       rule_path_patterns},
      {{"docs-man-locale", Severity::kInfo, "Docs, man pages, locales", "/usr/share/doc, man, info and locale"},
       rule_path_patterns},
      {{"build-toolchain", Severity::kWarning, "Build toolchain in the final image",
        "compilers, headers, static libraries and SDKs that belong in a builder stage"},
       rule_build_toolchain},
      {{"deleted-later", Severity::kWarning, "Files deleted by a later layer",
        "bytes a layer adds and a later layer deletes: they still ship"},
       rule_deleted_later},
      {{"overwritten-later", Severity::kWarning, "Files rewritten by a later layer",
        "earlier copies shadowed by a later layer, including metadata-only rewrites"},
       rule_overwritten_later},
      {{"duplicate-content", Severity::kInfo, "Duplicate content", "identical files at several paths"},
       rule_duplicate_content},
      {{"large-file", Severity::kInfo, "Large files", "single files above the threshold (default 50 MB)"},
       rule_large_file},
      {{"root-user", Severity::kWarning, "Runs as root", "the config sets no USER, or USER root"}, rule_root_user},
      {{"no-healthcheck", Severity::kWarning, "No health check", "the config has no HEALTHCHECK"}, rule_no_healthcheck},
  };
  return table;
}

}  // namespace layerscope::rules

namespace layerscope {

const std::vector<RuleInfo>& rule_catalog() {
  static const std::vector<RuleInfo> catalog = [] {
    std::vector<RuleInfo> out;
    for (const auto& r : rules::rule_table()) out.push_back(r.info);
    return out;
  }();
  return catalog;
}

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "?";
}

bool parse_severity(const std::string& text, Severity* out) {
  if (text == "info") *out = Severity::kInfo;
  else if (text == "warning") *out = Severity::kWarning;
  else if (text == "error") *out = Severity::kError;
  else return false;
  return true;
}

}  // namespace layerscope

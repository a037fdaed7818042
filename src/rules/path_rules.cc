// Rules that recognise bloat by where files live: package-manager and language caches,
// bytecode, tests, version-control directories, documentation. They look at every regular
// file of every layer (bytes a later layer deletes still ship), one finding per layer.
#include <functional>
#include <map>

#include "rules/rule_context.h"
#include "util/units.h"

namespace layerscope::rules {

namespace {

struct PathRule {
  const char* id;
  bool (*matches)(std::string_view path);
  const char* what;  // "apt package lists"
  const char* fix;
};

bool apt_lists(std::string_view p) { return starts_with(p, "var/lib/apt/lists/"); }
bool apt_archives(std::string_view p) { return starts_with(p, "var/cache/apt/"); }
bool apk_cache(std::string_view p) { return starts_with(p, "var/cache/apk/") || starts_with(p, "etc/apk/cache/"); }
bool dnf_yum_cache(std::string_view p) { return starts_with(p, "var/cache/dnf/") || starts_with(p, "var/cache/yum/"); }
bool npm_cache(std::string_view p) {
  return has_component(p, ".npm") || has_sequence(p, ".cache/yarn") || has_component(p, ".yarn-cache") ||
         has_component(p, ".pnpm-store") || has_sequence(p, ".cache/pnpm");
}
bool pip_cache(std::string_view p) { return has_sequence(p, ".cache/pip"); }
bool lang_cache(std::string_view p) {
  for (std::string_view seq : {".cache/go-build", "go/pkg/mod/cache", ".m2/repository", ".cargo/registry", ".cargo/git",
                               ".gradle/caches", ".cache/pypoetry", ".cache/uv", ".cache/composer", ".bundle/cache"}) {
    if (has_sequence(p, seq)) return true;
  }
  return false;
}
bool python_bytecode(std::string_view p) {
  return has_component(p, "__pycache__") || ends_with(p, ".pyc") || ends_with(p, ".pyo");
}
// Test suites: in application directories anywhere, and in system prefixes only inside
// package trees (site-packages, dist-packages, node_modules), where they ship by accident.
bool tests(std::string_view p) {
  if (!(has_component(p, "tests") || has_component(p, "test") || has_component(p, "__tests__"))) return false;
  for (std::string_view sys : {"usr/", "lib/", "lib64/", "bin/", "sbin/", "etc/", "var/", "boot/", "proc/", "sys/"}) {
    if (starts_with(p, sys)) {
      return has_component(p, "site-packages") || has_component(p, "dist-packages") || has_component(p, "node_modules");
    }
  }
  return true;
}
bool vcs_dir(std::string_view p) { return has_component(p, ".git") || has_component(p, ".svn") || has_component(p, ".hg"); }
bool docs(std::string_view p) {
  for (std::string_view pre : {"usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/",
                               "usr/local/share/man/", "usr/local/share/doc/"}) {
    if (starts_with(p, pre)) return true;
  }
  return false;
}

const PathRule kPathRules[] = {
    {"apt-lists", apt_lists, "apt package lists (/var/lib/apt/lists)",
     "remove them in the same RUN as the install: `apt-get update && apt-get install -y --no-install-recommends … "
     "&& rm -rf /var/lib/apt/lists/*`"},
    {"apt-archives", apt_archives, "downloaded .deb packages and apt caches (/var/cache/apt)",
     "run `apt-get clean` in the same RUN as the install, or use `RUN --mount=type=cache,target=/var/cache/apt`"},
    {"apk-cache", apk_cache, "the apk package cache", "install with `apk add --no-cache …`"},
    {"dnf-yum-cache", dnf_yum_cache, "the dnf/yum package cache",
     "end the install RUN with `dnf clean all` (or `yum clean all`), or use a cache mount"},
    {"npm-cache", npm_cache, "the npm/yarn/pnpm download cache",
     "run `npm ci && npm cache clean --force` (or `yarn cache clean`) in the same RUN, or use "
     "`RUN --mount=type=cache,target=/root/.npm`"},
    {"pip-cache", pip_cache, "the pip download and wheel cache (.cache/pip)",
     "use `pip install --no-cache-dir …` (or ENV PIP_NO_CACHE_DIR=1), or `RUN --mount=type=cache,target=/root/.cache/pip`"},
    {"lang-cache", lang_cache, "language build caches (go-build, Go modules, ~/.m2, ~/.cargo/registry, ~/.gradle, poetry, uv)",
     "build in a builder stage and COPY only the artifacts, or keep caches in `RUN --mount=type=cache`"},
    {"python-bytecode", python_bytecode, "Python bytecode (__pycache__, *.pyc)",
     "a start-up time trade-off: set PYTHONDONTWRITEBYTECODE=1 and skip compileall to save the bytes, or keep them "
     "for faster imports"},
    {"tests", tests, "test suites (test/ and tests/ directories)",
     "add `tests/` to .dockerignore for your own code; delete `*/site-packages/*/tests` in the RUN that installs "
     "packages"},
    {"vcs-dir", vcs_dir, "version-control metadata (.git, .svn, .hg)", "add `.git` to .dockerignore"},
    {"docs-man-locale", docs, "documentation, man pages and locales (/usr/share/doc, man, info, locale)",
     "delete them in the install RUN (`rm -rf /usr/share/doc/* /usr/share/man/* /usr/share/info/*`) or add "
     "dpkg path-exclude rules under /etc/dpkg/dpkg.cfg.d/"},
};

}  // namespace

void rule_path_patterns(const RuleContext& ctx, std::vector<Finding>& out) {
  const PathRule* rule = nullptr;
  for (const auto& r : kPathRules) {
    if (ctx.info.id == r.id) rule = &r;
  }
  if (!rule) return;
  std::vector<EntryRef> matched;
  const auto& indexes = ctx.analysis.indexes;
  for (size_t li = 0; li < indexes.size(); ++li) {
    for (size_t ei = 0; ei < indexes[li].entries.size(); ++ei) {
      const LayerEntry& e = indexes[li].entries[ei];
      if (e.is_file() && rule->matches(e.path) && !ctx.allowed(e.path)) {
        matched.push_back({static_cast<int>(li), static_cast<uint32_t>(ei)});
      }
    }
  }
  for (const auto& [origin, group] : group_by_origin(ctx, matched)) {
    uint64_t bytes = 0;
    for (const auto& m : group) bytes += ctx.entry(m).size;
    std::string msg = count_noun(group.size(), "file", "files") + " (" + human_bytes(bytes) + ") of " + rule->what +
                      ", from layer " + std::to_string(origin) + reshipped_note(origin, group);
    out.push_back(ctx.make(origin, group, std::move(msg), rule->fix));
  }
}

}  // namespace layerscope::rules

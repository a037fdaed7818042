// build-toolchain: compilers, headers, static libraries and SDKs in the image. They are
// needed to build, not to run, and are the classic reason for a multi-stage build. The
// installed -dev packages and build-essential are named from dpkg's per-package file lists
// (/var/lib/dpkg/info/<pkg>.list), which every Debian-based layer that installs them has.
#include <set>

#include "rules/rule_context.h"
#include "util/path.h"
#include "util/units.h"

namespace layerscope::rules {

namespace {

// gcc, gcc-12, x86_64-linux-gnu-g++-12, clang-14, ld.gold, cc1plus …
bool is_compiler(std::string_view base) {
  for (std::string_view c : {"gcc", "g++", "cc", "c++", "cpp", "gfortran", "clang", "clang++", "ld", "ld.bfd", "ld.gold",
                             "as", "cc1", "cc1plus", "lto1", "collect2"}) {
    if (base == c) return true;
  }
  for (std::string_view c : {"gcc-", "g++-", "cpp-", "clang-", "gfortran-"}) {
    if (starts_with(base, c) && base.size() > c.size() && base[c.size()] >= '0' && base[c.size()] <= '9') return true;
  }
  size_t triplet = base.find("-linux-gnu-");
  if (triplet != std::string_view::npos) {
    std::string_view tool = base.substr(triplet + 11);
    return starts_with(tool, "gcc") || starts_with(tool, "g++") || starts_with(tool, "cpp") || starts_with(tool, "ld") ||
           tool == "as";
  }
  return false;
}

bool toolchain_path(std::string_view p) {
  for (std::string_view pre : {"usr/include/", "usr/local/include/", "usr/lib/gcc/", "usr/libexec/gcc/", "usr/lib/gcc-cross/",
                               "usr/local/go/", "usr/local/rustup/toolchains/"}) {
    if (starts_with(p, pre)) return true;
  }
  if (starts_with(p, "usr/lib/llvm-") || starts_with(p, "usr/lib/go-")) return true;
  if (has_sequence(p, ".rustup/toolchains")) return true;
  if ((starts_with(p, "usr/bin/") || starts_with(p, "usr/local/bin/")) && is_compiler(base_name(p))) return true;
  // Static libraries are link-time only.
  if ((starts_with(p, "usr/lib/") || starts_with(p, "usr/local/lib/")) && ends_with(p, ".a")) return true;
  return false;
}

// "libpq-dev", "build-essential" from var/lib/dpkg/info/<name>[:arch].list in any layer.
std::vector<std::string> dev_packages(const Analysis& a) {
  std::set<std::string> names;
  for (const auto& idx : a.indexes) {
    for (const auto& e : idx.entries) {
      if (!e.is_file() || !starts_with(e.path, "var/lib/dpkg/info/") || !ends_with(e.path, ".list")) continue;
      std::string name(base_name(e.path));
      name = name.substr(0, name.size() - 5);
      name = name.substr(0, name.find(':'));
      if (ends_with(name, "-dev") || name == "build-essential" || starts_with(name, "gcc-") || name == "gcc" ||
          name == "g++" || starts_with(name, "g++-")) {
        names.insert(name);
      }
    }
  }
  return {names.begin(), names.end()};
}

}  // namespace

void rule_build_toolchain(const RuleContext& ctx, std::vector<Finding>& out) {
  std::vector<std::string> pkgs = dev_packages(ctx.analysis);
  std::string pkg_note;
  for (size_t i = 0; i < pkgs.size() && i < 8; ++i) pkg_note += (i ? ", " : "") + pkgs[i];
  if (pkgs.size() > 8) pkg_note += ", …";
  const auto& indexes = ctx.analysis.indexes;
  std::vector<EntryRef> matched;
  for (size_t li = 0; li < indexes.size(); ++li) {
    for (size_t ei = 0; ei < indexes[li].entries.size(); ++ei) {
      const LayerEntry& e = indexes[li].entries[ei];
      if (e.is_file() && toolchain_path(e.path) && !ctx.allowed(e.path)) {
        matched.push_back({static_cast<int>(li), static_cast<uint32_t>(ei)});
      }
    }
  }
  for (const auto& [origin, group] : group_by_origin(ctx, matched)) {
    uint64_t bytes = 0;
    for (const auto& m : group) bytes += ctx.entry(m).size;
    std::string msg = count_noun(group.size(), "build-only file", "build-only files") + " (" + human_bytes(bytes) +
                      ": compilers, headers, static libraries, SDKs) from layer " + std::to_string(origin);
    if (!pkg_note.empty()) msg += "; installed build packages: " + pkg_note;
    out.push_back(ctx.make(origin, group, std::move(msg),
                           "use a multi-stage build: compile in `FROM … AS builder` and `COPY --from=builder` only "
                           "the results (a venv, wheels, binaries) into a slim final stage"));
  }
}

}  // namespace layerscope::rules

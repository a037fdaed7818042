#include "attrib/instruction.h"
#include "util/text.h"

#include <cctype>
#include <vector>

namespace layerscope {

namespace {

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// "|2 A=b C=d rest" -> "rest": build args recorded before a RUN command.
std::string_view strip_build_args(std::string_view s) {
  if (s.empty() || s.front() != '|') return s;
  size_t i = 1;
  size_t n = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) n = n * 10 + static_cast<size_t>(s[i++] - '0');
  s.remove_prefix(i);
  // The count comes from the image config: "|99999999999999999999 …" must not spin through
  // 10^20 iterations. Each pass consumes at least one character, so stop when none are left.
  for (size_t k = 0; k < n && !s.empty(); ++k) {
    s = trim_space(s);
    // An argument is NAME=VALUE up to the next space (values with spaces are quoted rarely).
    size_t sp = s.find(' ');
    s.remove_prefix(sp == std::string_view::npos ? s.size() : sp);
  }
  return trim_space(s);
}

const std::vector<std::string_view>& keywords() {
  static const std::vector<std::string_view> k = {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE",
                                                   "FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
                                                   "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};
  return k;
}

}  // namespace

std::string clean_instruction(std::string_view created_by) {
  std::string_view s = trim_space(created_by);
  if (s.empty()) return "";
  if (s.size() > 9 && s.substr(s.size() - 10) == "# buildkit") s = trim_space(s.substr(0, s.size() - 10));
  bool run_prefix = consume(s, "RUN ");
  s = trim_space(s);
  s = strip_build_args(s);
  if (consume(s, "/bin/sh -c ") || consume(s, "/bin/bash -c ") || consume(s, "/bin/sh -o pipefail -c ") ||
      consume(s, "/bin/bash -o pipefail -c ")) {
    s = trim_space(s);
    if (consume(s, "#(nop)")) return std::string(trim_space(s));
    return "RUN " + std::string(s);
  }
  if (run_prefix) return "RUN " + std::string(s);
  return std::string(s);
}

std::string instruction_keyword(std::string_view instruction) {
  size_t sp = instruction.find(' ');
  std::string_view word = instruction.substr(0, sp);
  for (auto k : keywords()) {
    if (word == k) return std::string(k);
  }
  return "";
}

}  // namespace layerscope

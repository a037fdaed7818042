// `.dockerignore` suggestions: build-context junk that COPY/ADD layers brought in. A layer
// made by `COPY <src> <dest>` (not `--from` another stage) holds files of the build
// context under <dest>; each file is matched against well-known junk patterns relative to
// that destination, and the bytes each pattern would have kept out are summed.
#include <map>

#include "attrib/instruction.h"
#include "rules/engine.h"
#include "rules/rule_context.h"
#include "util/path.h"

namespace layerscope {

namespace {

using rules::ends_with;
using rules::has_component;
using rules::starts_with;

struct Junk {
  const char* pattern;
  const char* reason;
  bool (*matches)(std::string_view rel);
};

bool dir_anywhere(std::string_view rel, std::string_view name) { return has_component(rel, name); }

const Junk kJunk[] = {
    {".git", "version-control history", [](std::string_view r) { return dir_anywhere(r, ".git"); }},
    {".env", "secrets for local runs",
     [](std::string_view r) {
       std::string_view b = base_name(r);
       return b == ".env" || (starts_with(b, ".env.") && b != ".env.example" && b != ".env.sample");
     }},
    {"**/tests", "test suites", [](std::string_view r) { return dir_anywhere(r, "tests") || dir_anywhere(r, "test"); }},
    {"**/__pycache__", "bytecode from local runs", [](std::string_view r) { return dir_anywhere(r, "__pycache__"); }},
    {"**/*.pyc", "bytecode from local runs", [](std::string_view r) { return ends_with(r, ".pyc"); }},
    {"node_modules", "dependencies to install in the image instead",
     [](std::string_view r) { return dir_anywhere(r, "node_modules"); }},
    {".venv", "a local virtualenv", [](std::string_view r) { return dir_anywhere(r, ".venv") || dir_anywhere(r, "venv"); }},
    {"docs", "documentation", [](std::string_view r) { return starts_with(r, "docs/") || starts_with(r, "doc/"); }},
    {"**/*.md", "markdown docs", [](std::string_view r) { return ends_with(r, ".md"); }},
    {".pytest_cache", "tool caches",
     [](std::string_view r) {
       return dir_anywhere(r, ".pytest_cache") || dir_anywhere(r, ".mypy_cache") || dir_anywhere(r, ".ruff_cache") ||
              dir_anywhere(r, ".tox") || dir_anywhere(r, "htmlcov") || base_name(r) == ".coverage";
     }},
    {".idea", "editor settings",
     [](std::string_view r) { return dir_anywhere(r, ".idea") || dir_anywhere(r, ".vscode"); }},
};

// The destination of a COPY/ADD from the build context, "" when the layer is not one.
std::optional<std::string> context_destination(const std::string& instruction) {
  std::string kw = instruction_keyword(instruction);
  if (kw != "COPY" && kw != "ADD") return std::nullopt;
  if (instruction.find("--from") != std::string::npos) return std::nullopt;
  auto sp = instruction.find_last_of(' ');
  if (sp == std::string::npos) return std::string();
  std::string dest = instruction.substr(sp + 1);
  if (!dest.empty() && dest.front() == '[') return std::string();  // JSON form: take the root
  return clean_entry_path(dest).path;
}

}  // namespace

std::vector<IgnoreSuggestion> suggest_dockerignore(const Analysis& a) {
  std::map<std::string, IgnoreSuggestion> found;
  for (size_t li = 0; li < a.layers.size(); ++li) {
    auto dest = context_destination(a.layers[li].instruction);
    if (!dest) continue;
    for (const auto& e : a.indexes[li].entries) {
      if (!e.is_file()) continue;
      std::string_view rel = e.path;
      if (!dest->empty() && starts_with(rel, *dest + "/")) rel.remove_prefix(dest->size() + 1);
      for (const auto& j : kJunk) {
        if (!j.matches(rel)) continue;
        IgnoreSuggestion& s = found[j.pattern];
        s.pattern = j.pattern;
        s.reason = j.reason;
        s.bytes += e.size;
        ++s.files;
        if (s.layers.empty() || s.layers.back() != static_cast<int>(li)) s.layers.push_back(static_cast<int>(li));
        break;  // one pattern per file: the first that matches
      }
    }
  }
  std::vector<IgnoreSuggestion> out;
  for (auto& [p, s] : found) out.push_back(std::move(s));
  std::stable_sort(out.begin(), out.end(), [](const IgnoreSuggestion& x, const IgnoreSuggestion& y) {
    return x.bytes != y.bytes ? x.bytes > y.bytes : x.pattern < y.pattern;
  });
  return out;
}

}  // namespace layerscope

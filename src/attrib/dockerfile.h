// A Dockerfile parser, so that layers can be traced back to the lines that made them.
//
// It follows the Dockerfile reference (docs.docker.com/reference/dockerfile) and, where the
// reference is silent, what BuildKit's parser (frontend/dockerfile/parser, shell/lex.go)
// does, because that is what built most images:
//   * parser directives (`# syntax=`, `# escape=`, `# check=`) only before the first comment,
//     blank line or instruction; `# escape=`` ` switches the escape character to a backtick;
//   * comments are whole lines starting with `#` (after optional whitespace), also inside a
//     continuation; a line ending in the escape character (optionally followed by blanks)
//     continues on the next one, with the escape removed and nothing else inserted; blank
//     lines inside a continuation are skipped (deprecated but accepted; reported as warnings);
//   * heredocs (`RUN <<EOF`, `<<-EOF` strips leading tabs, `<<"EOF"` disables expansion,
//     several per instruction) for RUN, COPY and ADD: the body lines are taken verbatim;
//   * exec (JSON array) form vs shell form: a JSON array that does not parse is shell form,
//     except for SHELL, which must be JSON;
//   * leading `--flag[=value]` words, checked against the flags each instruction accepts;
//   * variable substitution where the builder performs it (ADD COPY ENV EXPOSE FROM LABEL
//     STOPSIGNAL USER VOLUME WORKDIR and flag values): `$VAR`, `${VAR}`, `${VAR:-word}`,
//     `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`, `${VAR:?msg}`, `${VAR#pat}`, `${VAR%pat}`
//     (and `##`, `%%`), quote removal and escapes. ARG before the first FROM is visible only
//     in FROM lines; inside a stage, ARG and ENV define variables in order, ENV wins, and a
//     stage built FROM another stage inherits that stage's ENV. RUN, CMD, ENTRYPOINT and
//     HEALTHCHECK are never substituted by the builder (the shell does it at run time).
// A malformed file throws Error(kConfig, "Dockerfile:LINE: reason").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace layerscope {

struct DockerfileFlag {
  std::string name;      // without the leading "--": "from", "chown", "mount", "link"
  std::string value;     // as written, quotes kept ("" for a bare `--link`)
  std::string expanded;  // after variable substitution and quote removal
  bool has_value = false;
};

struct DockerfileHeredoc {
  std::string name;     // the delimiter word, unquoted ("EOF")
  std::string body;     // the lines between the marker and the delimiter, each ending in '\n'
  bool chomp = false;   // `<<-`: leading tabs were stripped from the body and the delimiter
  bool expand = true;   // false when the delimiter was quoted
  int first_line = 0;   // first body line (1-based); == last_line + 1 for an empty body
  int last_line = 0;    // the delimiter line
};

struct DockerfileInstruction {
  std::string keyword;   // upper case: "RUN", "COPY", …
  std::string original;  // the logical line as written: keyword, flags and arguments, with
                         // continuations joined and comment lines dropped (no heredoc bodies)
  std::string raw_args;  // what follows the keyword and its flags, as written
  std::string expanded;  // raw_args after substitution (== raw_args where the builder does none)
  std::vector<std::string> args;  // exec form: the array elements; shell form of RUN / CMD /
                                  // ENTRYPOINT / HEALTHCHECK CMD: the command as one element;
                                  // others: the words after substitution and quote removal
  std::vector<DockerfileFlag> flags;
  std::vector<std::pair<std::string, std::string>> pairs;  // ENV, LABEL, ARG: name -> value
                                                           // (expanded; ARG without default: "")
  std::vector<DockerfileHeredoc> heredocs;
  bool json_form = false;
  int first_line = 0;  // 1-based line of the keyword
  int last_line = 0;   // last line the instruction uses (continuations, heredoc delimiters)
  int from_stage = -1; // COPY --from / RUN --mount from=: the stage it names, -1 for an image

  const DockerfileFlag* flag(std::string_view name) const;
  // One line for people: keyword, flags and arguments with runs of whitespace collapsed.
  std::string display() const;
};

struct DockerfileStage {
  std::string base;        // the FROM image after substitution ("debian:bookworm", "scratch",
                           // or an earlier stage's name)
  std::string name;        // the `AS` name as written, "" when unnamed
  std::string platform;    // --platform after substitution, "" when absent
  int parent_stage = -1;   // when `base` names an earlier stage: its index
  DockerfileInstruction from;
  std::vector<DockerfileInstruction> instructions;  // everything after FROM, in order
};

struct Dockerfile {
  char escape = '\\';
  std::string syntax;                               // `# syntax=` directive, "" when absent
  std::vector<DockerfileInstruction> global_args;   // ARG lines before the first FROM
  std::vector<DockerfileStage> stages;              // at least one
  std::vector<std::string> warnings;                // "Dockerfile:LINE: …", not fatal

  int target_stage = -1;  // the stage built (`--target`); -1: the last one

  // The stages the final image is made of: the target (by default the last) stage and, when
  // it is built FROM an earlier stage, that one too and so on; ordered from the one with the
  // external base.
  std::vector<int> final_chain() const;

  // Makes the stage named `name` the target, as `docker build --target` does (stage names are
  // case-insensitive). Throws Error(kConfig) naming the stages when there is no such stage.
  void select_target(const std::string& name);
};

struct DockerfileOptions {
  // --build-arg values; they override ARG defaults. Also the place for the predefined
  // platform arguments (TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT, BUILDPLATFORM…),
  // which BuildKit defines in the global scope.
  std::map<std::string, std::string> build_args;
};

// Throws Error(kConfig, "Dockerfile:LINE: …") on malformed input.
Dockerfile parse_dockerfile(std::string_view text, const DockerfileOptions& options = {});

// Reads and parses a file; errors (unreadable, too large, malformed) are kConfig and name it.
Dockerfile read_dockerfile(const std::string& path, const DockerfileOptions& options = {});

// The predefined platform ARGs (TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT) for
// an image's platform, so `COPY out/${TARGETARCH}/app /` resolves as it did in the build.
std::map<std::string, std::string> platform_build_args(const std::string& os, const std::string& architecture,
                                                       const std::string& variant);

// Runs of whitespace (spaces, tabs, newlines) become one space; ends trimmed.
std::string collapse_whitespace(std::string_view s);

}  // namespace layerscope

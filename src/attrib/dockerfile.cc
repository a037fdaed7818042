// The Dockerfile parser: physical lines -> logical instructions (directives, comments,
// continuations, heredocs) -> stages with flags, exec/shell form and variable substitution.
// See dockerfile.h for the rules and their sources. The substitution follows BuildKit's
// shell/lex.go: quotes are removed, an unquoted expansion splits into words where the
// instruction takes a word list (COPY sources), and unset variables expand to "".
#include "attrib/dockerfile.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>

#include "layerscope/error.h"
#include "util/text.h"

namespace layerscope {

namespace {

[[noreturn]] void fail(int line, const std::string& message) {
  throw Error(ErrorKind::kConfig, "Dockerfile:" + std::to_string(line) + ": " + message);
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// ---------------------------------------------------------------------------------------
// Exec form: a JSON array of strings. Anything else (including invalid JSON) is shell form,
// as in BuildKit's parseMaybeJSON.

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<uint32_t> hex4(std::string_view s, size_t& i) {
  if (i + 4 > s.size()) return std::nullopt;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; ++k) {
    char c = s[i + k];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
    else return std::nullopt;
  }
  i += 4;
  return v;
}

std::optional<std::vector<std::string>> parse_json_strings(std::string_view s) {
  s = trim_space(s);
  if (s.size() < 2 || s.front() != '[') return std::nullopt;
  std::vector<std::string> out;
  size_t i = 1;
  auto skip = [&] {
    while (i < s.size() && is_blank(s[i])) ++i;
  };
  skip();
  if (i < s.size() && s[i] == ']') return ++i == s.size() ? std::optional(out) : std::nullopt;
  for (;;) {
    skip();
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    ++i;
    std::string str;
    for (;;) {
      if (i >= s.size()) return std::nullopt;
      char c = s[i++];
      if (c == '"') break;
      if (static_cast<unsigned char>(c) < 0x20) return std::nullopt;
      if (c != '\\') {
        str += c;
        continue;
      }
      if (i >= s.size()) return std::nullopt;
      char e = s[i++];
      switch (e) {
        case '"': str += '"'; break;
        case '\\': str += '\\'; break;
        case '/': str += '/'; break;
        case 'b': str += '\b'; break;
        case 'f': str += '\f'; break;
        case 'n': str += '\n'; break;
        case 'r': str += '\r'; break;
        case 't': str += '\t'; break;
        case 'u': {
          auto cp = hex4(s, i);
          if (!cp) return std::nullopt;
          uint32_t v = *cp;
          if (v >= 0xD800 && v < 0xDC00 && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
            size_t j = i + 2;
            auto lo = hex4(s, j);
            if (lo && *lo >= 0xDC00 && *lo < 0xE000) {
              v = 0x10000 + ((v - 0xD800) << 10) + (*lo - 0xDC00);
              i = j;
            }
          }
          append_utf8(str, v);
          break;
        }
        default: return std::nullopt;
      }
    }
    out.push_back(std::move(str));
    skip();
    if (i >= s.size()) return std::nullopt;
    if (s[i] == ',') {
      ++i;
      continue;
    }
    if (s[i] != ']') return std::nullopt;
    ++i;
    skip();
    return i == s.size() ? std::optional(out) : std::nullopt;
  }
}

// ---------------------------------------------------------------------------------------
// Variables and the word processor (shell/lex.go semantics, the subset Dockerfiles use).

class Scope {
 public:
  // ENV wins over ARG of the same name (Dockerfile reference, "Using ARG variables").
  std::optional<std::string> get(const std::string& name) const {
    if (auto it = env_.find(name); it != env_.end()) return it->second;
    if (auto it = args_.find(name); it != args_.end()) return it->second;
    return std::nullopt;
  }
  void set_env(const std::string& k, const std::string& v) { env_[k] = v; }
  void set_arg(const std::string& k, const std::string& v) { args_[k] = v; }
  const std::map<std::string, std::string>& env() const { return env_; }

 private:
  std::map<std::string, std::string> env_, args_;
};

class Lexer {
 public:
  Lexer(char escape, const Scope& scope, int line) : escape_(escape), scope_(scope), line_(line) {}

  // One word: quotes removed, variables substituted, whitespace kept.
  std::string word(std::string_view s) {
    auto w = run(s, false);
    std::string out;
    for (auto& x : w) out += x;
    return out;
  }

  // Words split at unquoted whitespace, including whitespace that unquoted expansions produce.
  std::vector<std::string> words(std::string_view s) { return run(s, true); }

 private:
  struct Out {
    bool split;
    std::vector<std::string> words;
    std::string cur;
    bool in_word = false;
    void add_char(char c) {
      if (split && is_blank(c)) {
        if (in_word) {
          words.push_back(std::move(cur));
          cur.clear();
          in_word = false;
        }
        return;
      }
      cur += c;
      in_word = true;
    }
    void add_raw(std::string_view s) {
      cur += s;
      in_word = true;
    }
    void add_split(std::string_view s) {
      for (char c : s) add_char(c);
    }
  };

  std::vector<std::string> run(std::string_view s, bool split) {
    src_ = s;
    pos_ = 0;
    Out out{split, {}, {}, false};
    process(out, '\0', false);
    if (out.in_word || (!split && out.words.empty())) out.words.push_back(std::move(out.cur));
    return out.words;
  }

  bool at_end() const { return pos_ >= src_.size(); }
  char peek() const { return at_end() ? '\0' : src_[pos_]; }

  // Processes until `stop` (consumed) or the end; inside ${…} words stop at '}'.
  void process(Out& out, char stop, bool in_brace) {
    while (!at_end()) {
      char c = src_[pos_];
      if (stop != '\0' && c == stop) {
        ++pos_;
        return;
      }
      ++pos_;
      if (c == escape_) {
        if (at_end()) break;  // a trailing escape disappears
        out.add_raw(std::string_view(&src_[pos_], 1));
        ++pos_;
      } else if (c == '\'') {
        out.add_raw(single_quoted());
      } else if (c == '"') {
        out.add_raw(double_quoted());
      } else if (c == '$') {
        auto v = dollar();
        if (v.second) out.add_raw(v.first);
        else out.add_split(v.first);
      } else {
        out.add_char(c);
      }
    }
    if (in_brace) fail(line_, "missing '}' in a variable substitution");
  }

  std::string single_quoted() {
    size_t end = src_.find('\'', pos_);
    if (end == std::string_view::npos) fail(line_, "unexpected end of statement while looking for matching single-quote");
    std::string out(src_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return out;
  }

  std::string double_quoted() {
    std::string out;
    for (;;) {
      if (at_end()) fail(line_, "unexpected end of statement while looking for matching double-quote");
      char c = src_[pos_++];
      if (c == '"') return out;
      if (c == escape_ && !at_end()) {
        char n = src_[pos_];
        if (n == '"' || n == '$' || n == escape_) {
          out += n;
          ++pos_;
          continue;
        }
        out += c;
        continue;
      }
      if (c == '$') {
        out += dollar().first;
        continue;
      }
      out += c;
    }
  }

  // After '$': returns {value, quoted?}. Unbraced names are [A-Za-z0-9_]+; "$" followed by
  // anything else stays a literal '$'.
  std::pair<std::string, bool> dollar() {
    if (peek() == '{') {
      ++pos_;
      return {braced(), false};
    }
    size_t start = pos_;
    while (!at_end() && is_name_char(src_[pos_])) ++pos_;
    if (pos_ == start) return {"$", true};
    return {lookup(std::string(src_.substr(start, pos_ - start))).value_or(""), false};
  }

  std::optional<std::string> lookup(const std::string& name) const { return scope_.get(name); }

  // The word of a modifier (`${A:-word}`): processed like any text, up to the closing brace.
  std::string modifier_word() {
    Out inner{false, {}, {}, false};
    process(inner, '}', true);
    std::string w;
    for (auto& x : inner.words) w += x;
    return w + inner.cur;
  }

  std::string braced() {
    if (src_.find('}', pos_) == std::string_view::npos) fail(line_, "missing '}' in a variable substitution");
    // ${A:-${B:-${C…}}} recurses; a hostile file must not exhaust the stack.
    if (++depth_ > kMaxNesting) fail(line_, "variable substitutions nested too deeply");
    struct Leave {
      int& d;
      ~Leave() { --d; }
    } leave{depth_};
    size_t start = pos_;
    while (!at_end() && is_name_char(src_[pos_])) ++pos_;
    std::string name(src_.substr(start, pos_ - start));
    if (at_end()) fail(line_, "missing '}' in a variable substitution");
    if (name.empty()) fail(line_, "bad substitution: '${" + std::string(src_.substr(start, 1)) + "' has no variable name");
    char c = src_[pos_++];
    std::optional<std::string> value = lookup(name);
    if (c == '}') return value.value_or("");
    bool colon = false;
    if (c == ':') {
      if (at_end()) fail(line_, "missing '}' in a variable substitution");
      colon = true;
      c = src_[pos_++];
    }
    // With ':' an empty value counts as unset (POSIX parameter expansion).
    bool set = value.has_value() && (!colon || !value->empty());
    switch (c) {
      case '-': {
        std::string w = modifier_word();
        return set ? *value : w;
      }
      case '+': {
        std::string w = modifier_word();
        return set ? w : "";
      }
      case '?': {
        std::string w = modifier_word();
        if (!set) fail(line_, name + ": " + (w.empty() ? "is not allowed to be unset" : w));
        return *value;
      }
      case '#':
      case '%': {
        if (colon) break;
        bool longest = peek() == c;
        if (longest) ++pos_;
        std::string pattern = modifier_word();
        return remove_affix(value.value_or(""), pattern, c == '#', longest);
      }
      default: break;
    }
    fail(line_, std::string("unsupported modifier (") + (colon ? ":" : "") + c + ") in substitution of ${" + name + "}");
  }

  static std::string remove_affix(const std::string& v, const std::string& pattern, bool prefix, bool longest) {
    auto matches = [&](const std::string& part) { return fnmatch(pattern.c_str(), part.c_str(), 0) == 0; };
    size_t n = v.size();
    if (prefix) {
      for (size_t k = 0; k <= n; ++k) {
        size_t len = longest ? n - k : k;
        if (matches(v.substr(0, len))) return v.substr(len);
      }
    } else {
      for (size_t k = 0; k <= n; ++k) {
        size_t len = longest ? n - k : k;
        if (matches(v.substr(n - len))) return v.substr(0, n - len);
      }
    }
    return v;
  }

  static constexpr int kMaxNesting = 64;
  char escape_;
  const Scope& scope_;
  int line_;
  int depth_ = 0;
  std::string_view src_;
  size_t pos_ = 0;
};

// Splits at unquoted whitespace but keeps quotes and escapes in the words (BuildKit's
// parseWords): ENV and LABEL pairs are split first, then each value is processed.
std::vector<std::string> split_keep_quotes(std::string_view s, char escape) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = '\0';
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote == '\0' && is_blank(c)) {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    cur += c;
    if (c == escape && quote != '\'' && i + 1 < s.size()) {
      cur += s[++i];
      continue;
    }
    if (quote == '\0' && (c == '"' || c == '\'')) quote = c;
    else if (c == quote) quote = '\0';
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

// ---------------------------------------------------------------------------------------
// Lines, directives, logical instructions.

struct RawInstruction {
  std::string keyword_as_written;
  std::string rest;       // after the keyword, continuations joined
  int first_line = 0;
  int last_line = 0;
};

const std::set<std::string, std::less<>>& known_keywords() {
  static const std::set<std::string, std::less<>> k = {
      "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
      "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"};
  return k;
}

struct FlagSpec {
  const char* name;
  bool boolean;
};

// The flags each instruction accepts (Dockerfile reference and BuildKit's instructions
// package); anything else is an error there and here.
const std::vector<FlagSpec>& flags_for(const std::string& keyword) {
  static const std::map<std::string, std::vector<FlagSpec>, std::less<>> m = {
      {"FROM", {{"platform", false}}},
      {"RUN", {{"mount", false}, {"network", false}, {"security", false}, {"device", false}}},
      {"COPY", {{"from", false}, {"chown", false}, {"chmod", false}, {"link", true}, {"parents", true},
                {"exclude", false}}},
      {"ADD", {{"chown", false}, {"chmod", false}, {"link", true}, {"checksum", false}, {"keep-git-dir", true},
               {"exclude", false}, {"unpack", true}}},
      {"HEALTHCHECK", {{"interval", false}, {"timeout", false}, {"start-period", false}, {"start-interval", false},
                       {"retries", false}}},
  };
  static const std::vector<FlagSpec> none;
  auto it = m.find(keyword);
  return it == m.end() ? none : it->second;
}

// The heredoc markers of a RUN/COPY/ADD line: words `[n]<<[-]WORD`, WORD possibly quoted.
struct HeredocMarker {
  std::string name;
  bool chomp = false;
  bool expand = true;
};

std::vector<HeredocMarker> heredoc_markers(std::string_view args, char escape) {
  std::vector<HeredocMarker> out;
  for (const auto& w : split_keep_quotes(args, escape)) {
    size_t i = 0;
    while (i < w.size() && std::isdigit(static_cast<unsigned char>(w[i]))) ++i;
    if (w.compare(i, 2, "<<") != 0) continue;
    i += 2;
    HeredocMarker m;
    if (i < w.size() && w[i] == '-') {
      m.chomp = true;
      ++i;
    }
    std::string rest = w.substr(i);
    if (rest.empty() || rest.find('<') != std::string::npos) continue;
    std::string name;
    for (size_t k = 0; k < rest.size(); ++k) {
      char c = rest[k];
      if (c == '"' || c == '\'') {
        m.expand = false;
        continue;
      }
      if (c == escape && k + 1 < rest.size()) {
        m.expand = false;
        name += rest[++k];
        continue;
      }
      name += c;
    }
    if (name.empty()) continue;
    m.name = name;
    out.push_back(std::move(m));
  }
  return out;
}

bool is_valid_stage_name(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool is_predefined_platform_arg(std::string_view name) {
  static const std::set<std::string, std::less<>> k = {"TARGETPLATFORM", "TARGETOS",     "TARGETARCH",
                                                       "TARGETVARIANT",  "BUILDPLATFORM", "BUILDOS",
                                                       "BUILDARCH",      "BUILDVARIANT"};
  return k.count(name) > 0;
}

class Parser {
 public:
  Parser(std::string_view text, const DockerfileOptions& options) : options_(options) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
    size_t start = 0;
    while (start <= text.size()) {
      size_t nl = text.find('\n', start);
      std::string_view line = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      lines_.push_back(line);
      if (nl == std::string_view::npos) break;
      start = nl + 1;
    }
    if (!lines_.empty() && lines_.back().empty() && !text.empty() && text.back() == '\n') lines_.pop_back();
  }

  Dockerfile parse() {
    size_t i = directives();
    while (i < lines_.size()) {
      std::string_view line = lines_[i];
      if (trim_space(line).empty() || is_comment(line)) {
        ++i;
        continue;
      }
      RawInstruction raw = logical(i);
      instruction(raw, i);
    }
    if (df_.stages.empty()) {
      fail(lines_.empty() ? 1 : static_cast<int>(lines_.size()),
           "no FROM instruction: a Dockerfile needs at least one build stage");
    }
    return std::move(df_);
  }

 private:
  static bool is_comment(std::string_view line) {
    line = trim_left(line);
    return !line.empty() && line.front() == '#';
  }

  // Parser directives: `# key=value` lines at the very top. An unknown key, a comment, a
  // blank line or an instruction ends them; later ones are plain comments.
  size_t directives() {
    std::set<std::string> seen;
    size_t i = 0;
    for (; i < lines_.size(); ++i) {
      std::string_view l = trim_left(lines_[i]);
      if (l.empty() || l.front() != '#') break;
      l.remove_prefix(1);
      l = trim_left(l);
      size_t k = 0;
      while (k < l.size() && (std::isalnum(static_cast<unsigned char>(l[k])) || l[k] == '_' || l[k] == '-')) ++k;
      std::string key = ascii_lower(l.substr(0, k));
      std::string_view after = trim_left(l.substr(k));
      if (key.empty() || after.empty() || after.front() != '=') break;
      if (key != "syntax" && key != "escape" && key != "check") break;
      std::string value(trim_space(after.substr(1)));
      int line = static_cast<int>(i) + 1;
      if (!seen.insert(key).second) fail(line, "only one " + key + " parser directive can be used");
      if (key == "escape") {
        if (value != "\\" && value != "`") fail(line, "invalid escape token '" + value + "': it must be ` or \\");
        df_.escape = value[0];
      } else if (key == "syntax") {
        df_.syntax = value;
      }
    }
    return i;
  }

  // A line continues when its last non-blank character is the escape character.
  bool continues(std::string_view line) const {
    line = trim_right(line);
    return !line.empty() && line.back() == df_.escape;
  }

  std::string_view without_escape(std::string_view line) const {
    line = trim_right(line);
    line.remove_suffix(1);
    return line;
  }

  // Joins one instruction's physical lines; `i` ends past the last line used.
  RawInstruction logical(size_t& i) {
    RawInstruction r;
    r.first_line = static_cast<int>(i) + 1;
    std::string_view first = trim_left(lines_[i]);
    std::string joined;
    std::string_view cur = first;
    size_t last = i;
    for (;;) {
      if (!continues(cur)) {
        joined += cur;
        break;
      }
      joined += without_escape(cur);
      size_t j = last + 1;
      for (; j < lines_.size(); ++j) {
        if (is_comment(lines_[j])) continue;
        if (trim_space(lines_[j]).empty()) {
          df_.warnings.push_back("Dockerfile:" + std::to_string(j + 1) +
                                 ": empty continuation line (deprecated; a future builder may reject it)");
          continue;
        }
        break;
      }
      if (j >= lines_.size()) break;  // the file ends inside a continuation: the instruction ends too
      last = j;
      cur = lines_[j];
    }
    i = last + 1;
    r.last_line = static_cast<int>(last) + 1;
    std::string_view all = trim_right(joined);
    size_t k = 0;
    while (k < all.size() && !is_blank(all[k])) ++k;
    r.keyword_as_written = std::string(all.substr(0, k));
    r.rest = std::string(trim_left(all.substr(k)));
    return r;
  }

  // Leading `--name[=value]` words. Values may be quoted; quotes stay in `value`.
  std::string take_flags(const std::string& keyword, std::string_view rest, int line,
                         std::vector<DockerfileFlag>& flags) {
    for (;;) {
      rest = trim_left(rest);
      if (rest.substr(0, 2) != "--") break;
      size_t end = 0;
      char quote = '\0';
      for (; end < rest.size(); ++end) {
        char c = rest[end];
        if (quote == '\0' && is_blank(c)) break;
        if (c == df_.escape && quote != '\'' && end + 1 < rest.size()) {
          ++end;
          continue;
        }
        if (quote == '\0' && (c == '"' || c == '\'')) quote = c;
        else if (c == quote) quote = '\0';
      }
      std::string_view word = rest.substr(0, end);
      rest.remove_prefix(end);
      if (word == "--") break;
      DockerfileFlag f;
      std::string_view body = word.substr(2);
      size_t eq = body.find('=');
      f.name = ascii_lower(body.substr(0, eq));
      if (eq != std::string_view::npos) {
        f.has_value = true;
        f.value = std::string(body.substr(eq + 1));
      }
      const FlagSpec* spec = nullptr;
      for (const auto& s : flags_for(keyword)) {
        if (f.name == s.name) spec = &s;
      }
      if (!spec) fail(line, "unknown flag --" + f.name + " for " + keyword);
      if (spec->boolean) {
        if (f.has_value && f.value != "true" && f.value != "false") {
          fail(line, "--" + f.name + " expects true or false, not '" + f.value + "'");
        }
      } else if (!f.has_value) {
        fail(line, "--" + f.name + " needs a value (--" + f.name + "=…)");
      }
      flags.push_back(std::move(f));
    }
    return std::string(trim_space(rest));
  }

  // Reads the heredoc bodies that follow an instruction; `i` is the line after it.
  void read_heredocs(DockerfileInstruction& in, const std::vector<HeredocMarker>& markers, size_t& i) {
    for (const auto& m : markers) {
      DockerfileHeredoc h;
      h.name = m.name;
      h.chomp = m.chomp;
      h.expand = m.expand;
      h.first_line = static_cast<int>(i) + 1;
      bool closed = false;
      for (; i < lines_.size(); ++i) {
        std::string_view l = lines_[i];
        if (m.chomp) {
          while (!l.empty() && l.front() == '\t') l.remove_prefix(1);
        }
        if (l == m.name) {
          h.last_line = static_cast<int>(i) + 1;
          ++i;
          closed = true;
          break;
        }
        h.body += l;
        h.body += '\n';
      }
      if (!closed) fail(in.first_line, "heredoc <<" + m.name + " is never closed (no line reads '" + m.name + "')");
      in.last_line = h.last_line;
      in.heredocs.push_back(std::move(h));
    }
  }

  void instruction(const RawInstruction& raw, size_t& i) {
    DockerfileInstruction in;
    in.keyword = upper(raw.keyword_as_written);
    in.first_line = raw.first_line;
    in.last_line = raw.last_line;
    in.original = raw.keyword_as_written + (raw.rest.empty() ? "" : " " + raw.rest);
    int line = in.first_line;
    if (!known_keywords().count(in.keyword)) fail(line, "unknown instruction: " + raw.keyword_as_written);
    in.raw_args = take_flags(in.keyword, raw.rest, line, in.flags);
    in.expanded = in.raw_args;

    if (in.keyword == "RUN" || in.keyword == "COPY" || in.keyword == "ADD") {
      bool json = in.raw_args.substr(0, 1) == "[" && parse_json_strings(in.raw_args).has_value();
      if (!json) {
        auto markers = heredoc_markers(in.raw_args, df_.escape);
        if (!markers.empty()) read_heredocs(in, markers, i);
      }
    }

    if (df_.stages.empty() && in.keyword != "ARG" && in.keyword != "FROM") {
      fail(line, in.keyword + " before the first FROM (only ARG may come before FROM)");
    }
    if (in.keyword == "FROM") {
      from(std::move(in));
      return;
    }
    if (in.keyword == "ARG") {
      arg(in, df_.stages.empty() ? global_ : scope_);
      if (df_.stages.empty()) {
        df_.global_args.push_back(std::move(in));
      } else {
        df_.stages.back().instructions.push_back(std::move(in));
      }
      return;
    }
    body(in);
    df_.stages.back().instructions.push_back(std::move(in));
  }

  void expand_flags(DockerfileInstruction& in, const Scope& scope) {
    for (auto& f : in.flags) {
      if (f.has_value) f.expanded = Lexer(df_.escape, scope, in.first_line).word(f.value);
    }
  }

  void from(DockerfileInstruction in) {
    int line = in.first_line;
    expand_flags(in, global_);
    auto words = Lexer(df_.escape, global_, line).words(in.raw_args);
    if (words.empty() && !in.raw_args.empty()) fail(line, "base name (" + in.raw_args + ") should not be blank");
    if (!(words.size() == 1 || (words.size() == 3 && ascii_lower(words[1]) == "as"))) {
      fail(line, "FROM takes an image and optionally AS NAME (FROM [--platform=…] IMAGE [AS NAME])");
    }
    DockerfileStage st;
    st.base = words[0];
    if (st.base.empty()) fail(line, "base name (" + in.raw_args + ") should not be blank");
    if (words.size() == 3) {
      st.name = words[2];
      if (!is_valid_stage_name(st.name)) {
        fail(line, "invalid stage name '" + st.name + "': it must start with a letter and use letters, digits, '-', '_', '.'");
      }
      for (const auto& s : df_.stages) {
        if (ascii_lower(s.name) == ascii_lower(st.name)) fail(line, "duplicate stage name '" + st.name + "'");
      }
    }
    if (const DockerfileFlag* p = in.flag("platform")) st.platform = p->expanded;
    in.args = words;
    in.expanded = words[0] + (words.size() == 3 ? " AS " + words[2] : "");
    if (!df_.stages.empty()) stage_env_.back() = scope_;  // the previous stage as it ended
    scope_ = Scope();
    for (size_t k = 0; k < df_.stages.size(); ++k) {
      if (!df_.stages[k].name.empty() && ascii_lower(df_.stages[k].name) == ascii_lower(st.base)) {
        st.parent_stage = static_cast<int>(k);
        // A stage built on another inherits its environment, not its ARGs.
        for (const auto& [key, v] : stage_env_[k].env()) scope_.set_env(key, v);
      }
    }
    st.from = std::move(in);
    df_.stages.push_back(std::move(st));
    stage_env_.push_back(scope_);
  }

  // ARG NAME[=default] …: a --build-arg value wins over the default; an ARG without default
  // inside a stage picks up the global ARG of the same name.
  void arg(DockerfileInstruction& in, Scope& scope) {
    int line = in.first_line;
    auto words = split_keep_quotes(in.raw_args, df_.escape);
    if (words.empty()) fail(line, "ARG requires at least one argument");
    std::vector<std::string> shown;
    for (const auto& w : words) {
      size_t eq = w.find('=');
      std::string name = w.substr(0, eq);
      if (name.empty()) fail(line, "ARG names can not be blank");
      for (char c : name) {
        if (!is_name_char(c)) fail(line, "invalid ARG name '" + name + "'");
      }
      std::optional<std::string> value;
      auto given = options_.build_args.find(name);
      if (given != options_.build_args.end()) {
        value = given->second;
      } else if (eq != std::string::npos) {
        value = Lexer(df_.escape, scope, line).word(std::string_view(w).substr(eq + 1));
      } else if (&scope != &global_) {
        value = global_.get(name);
      }
      if (value) scope.set_arg(name, *value);
      in.pairs.emplace_back(name, value.value_or(""));
      shown.push_back(eq == std::string::npos && !value ? name : name + "=" + value.value_or(""));
    }
    in.args = shown;
    in.expanded = join(shown);
  }

  static std::string join(const std::vector<std::string>& v, const char* sep = " ") {
    std::string out;
    for (size_t k = 0; k < v.size(); ++k) out += (k ? sep : "") + v[k];
    return out;
  }

  // ENV / LABEL: `k=v k2="v 2"`, or the legacy `ENV k the rest`. All values are expanded
  // against the variables as they were before the instruction (reference: ENV abc=bye def=$abc).
  void pairs(DockerfileInstruction& in) {
    int line = in.first_line;
    auto words = split_keep_quotes(in.raw_args, df_.escape);
    if (words.empty()) fail(line, in.keyword + " requires at least one argument");
    Lexer lex(df_.escape, scope_, line);
    if (words[0].find('=') == std::string::npos) {
      std::string_view rest = trim_left(std::string_view(in.raw_args).substr(words[0].size()));
      if (rest.empty()) fail(line, in.keyword + " " + words[0] + " has no value (" + in.keyword + " NAME=VALUE)");
      in.pairs.emplace_back(lex.word(words[0]), lex.word(rest));
    } else {
      for (const auto& w : words) {
        size_t eq = w.find('=');
        if (eq == std::string::npos) {
          fail(line, "can't find = in '" + w + "': " + in.keyword + " takes NAME=VALUE pairs");
        }
        in.pairs.emplace_back(lex.word(std::string_view(w).substr(0, eq)), lex.word(std::string_view(w).substr(eq + 1)));
      }
    }
    std::vector<std::string> shown;
    for (const auto& [k, v] : in.pairs) {
      if (k.empty()) fail(line, in.keyword + " names can not be blank");
      shown.push_back(k + "=" + v);
    }
    in.args = shown;
    in.expanded = join(shown);
    if (in.keyword == "ENV") {
      for (const auto& [k, v] : in.pairs) scope_.set_env(k, v);
    }
  }

  // RUN / CMD / ENTRYPOINT: exec form or the shell command as one string, never expanded.
  void command(DockerfileInstruction& in, std::string_view text) {
    if (auto j = text.substr(0, 1) == "[" ? parse_json_strings(text) : std::nullopt) {
      in.json_form = true;
      in.args = *j;
    } else if (!trim_space(text).empty()) {
      in.args = {std::string(text)};
    }
  }

  void resolve_from_stage(DockerfileInstruction& in) {
    const DockerfileFlag* f = in.flag("from");
    if (!f) return;
    const std::string& v = f->expanded;
    size_t here = df_.stages.size() - 1;
    for (size_t k = 0; k < here; ++k) {
      if (!df_.stages[k].name.empty() && ascii_lower(df_.stages[k].name) == ascii_lower(v)) in.from_stage = static_cast<int>(k);
    }
    if (in.from_stage < 0 && !v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      if (v.size() < 6 && std::stoul(v) < here) in.from_stage = static_cast<int>(std::stoul(v));
    }
  }

  void body(DockerfileInstruction& in) {
    int line = in.first_line;
    const std::string& k = in.keyword;
    Lexer lex(df_.escape, scope_, line);
    expand_flags(in, scope_);
    if (k == "RUN") {
      command(in, in.raw_args);
      if (in.args.empty() && in.heredocs.empty()) fail(line, "RUN requires at least one argument");
    } else if (k == "CMD" || k == "ENTRYPOINT") {
      command(in, in.raw_args);
    } else if (k == "SHELL") {
      auto j = parse_json_strings(in.raw_args);
      if (!j || j->empty()) fail(line, "SHELL requires the arguments to be in JSON form (SHELL [\"executable\", \"parameters\"])");
      in.json_form = true;
      in.args = *j;
      shell_ = *j;
    } else if (k == "COPY" || k == "ADD") {
      if (auto j = in.raw_args.substr(0, 1) == "[" ? parse_json_strings(in.raw_args) : std::nullopt) {
        in.json_form = true;
        for (const auto& e : *j) in.args.push_back(lex.word(e));
      } else {
        in.args = lex.words(in.raw_args);
      }
      if (in.args.size() < 2) {
        fail(line, k + " requires at least two arguments, but only " + std::to_string(in.args.size()) +
                       " was provided. Destination could not be determined.");
      }
      in.expanded = join(in.args);
      resolve_from_stage(in);
    } else if (k == "ENV" || k == "LABEL") {
      pairs(in);
    } else if (k == "WORKDIR" || k == "USER" || k == "STOPSIGNAL") {
      std::string w = lex.word(in.raw_args);
      if (trim_space(w).empty()) fail(line, k + " requires exactly one argument");
      in.args = {w};
      in.expanded = w;
    } else if (k == "EXPOSE") {
      in.args = lex.words(in.raw_args);
      if (in.args.empty()) fail(line, "EXPOSE requires at least one argument");
      in.expanded = join(in.args);
    } else if (k == "VOLUME") {
      if (auto j = in.raw_args.substr(0, 1) == "[" ? parse_json_strings(in.raw_args) : std::nullopt) {
        in.json_form = true;
        for (const auto& e : *j) in.args.push_back(lex.word(e));
      } else {
        in.args = lex.words(in.raw_args);
      }
      if (in.args.empty()) fail(line, "VOLUME requires at least one argument");
      in.expanded = join(in.args);
    } else if (k == "HEALTHCHECK") {
      std::string_view rest = trim_space(in.raw_args);
      size_t sp = 0;
      while (sp < rest.size() && !is_blank(rest[sp])) ++sp;
      std::string type = upper(rest.substr(0, sp));
      std::string_view cmd = trim_space(rest.substr(sp));
      if (type == "NONE") {
        if (!cmd.empty() || !in.flags.empty()) fail(line, "HEALTHCHECK NONE takes no other arguments");
      } else if (type == "CMD") {
        command(in, cmd);
        if (in.args.empty()) fail(line, "HEALTHCHECK CMD requires a command");
      } else {
        fail(line, "unknown type '" + std::string(rest.substr(0, sp)) + "' in HEALTHCHECK (try CMD or NONE)");
      }
    } else if (k == "ONBUILD") {
      std::string_view rest = trim_space(in.raw_args);
      size_t sp = 0;
      while (sp < rest.size() && !is_blank(rest[sp])) ++sp;
      std::string trigger = upper(rest.substr(0, sp));
      if (trigger.empty()) fail(line, "ONBUILD requires an instruction");
      if (trigger == "ONBUILD" || trigger == "FROM" || trigger == "MAINTAINER") {
        fail(line, "ONBUILD " + trigger + " is not allowed");
      }
      if (!known_keywords().count(trigger)) fail(line, "unknown instruction in ONBUILD: " + std::string(rest.substr(0, sp)));
      in.args = {std::string(rest)};
    } else if (k == "MAINTAINER") {
      if (trim_space(in.raw_args).empty()) fail(line, "MAINTAINER requires exactly one argument");
      in.args = {in.raw_args};
    }
  }

  const DockerfileOptions& options_;
  std::vector<std::string_view> lines_;
  Dockerfile df_;
  Scope global_ = [this] {
    Scope s;
    for (const auto& [k, v] : options_.build_args) {
      if (is_predefined_platform_arg(k)) s.set_arg(k, v);
    }
    return s;
  }();
  Scope scope_;
  std::vector<Scope> stage_env_;
  std::vector<std::string> shell_ = {"/bin/sh", "-c"};
};

}  // namespace

const DockerfileFlag* DockerfileInstruction::flag(std::string_view name) const {
  for (const auto& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string DockerfileInstruction::display() const {
  std::string_view o = trim_space(original);
  size_t k = 0;
  while (k < o.size() && !is_blank(o[k])) ++k;
  std::string rest = collapse_whitespace(o.substr(k));
  return keyword + (rest.empty() ? "" : " " + rest);
}

std::vector<int> Dockerfile::final_chain() const {
  std::vector<int> chain;
  int s = stages.empty() ? -1 : static_cast<int>(stages.size()) - 1;
  if (target_stage >= 0 && target_stage < static_cast<int>(stages.size())) s = target_stage;
  while (s >= 0) {
    chain.push_back(s);
    s = stages[s].parent_stage;
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

void Dockerfile::select_target(const std::string& name) {
  std::string names;
  for (size_t i = 0; i < stages.size(); ++i) {
    if (!stages[i].name.empty() && ascii_lower(stages[i].name) == ascii_lower(name)) {
      target_stage = static_cast<int>(i);
      return;
    }
    if (!stages[i].name.empty()) names += (names.empty() ? "" : ", ") + stages[i].name;
  }
  throw Error(ErrorKind::kConfig, "--target " + name + ": the Dockerfile has no stage of that name (" +
                                      (names.empty() ? std::string("its stages are unnamed") : "stages: " + names) +
                                      ")");
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_blank(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

Dockerfile parse_dockerfile(std::string_view text, const DockerfileOptions& options) {
  return Parser(text, options).parse();
}

Dockerfile read_dockerfile(const std::string& path, const DockerfileOptions& options) {
  // Real Dockerfiles are a few kB; anything this large is not one. Read with a cap rather
  // than by size, so a pipe (`--dockerfile <(…)`) works too.
  constexpr size_t kMaxBytes = 8 << 20;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorKind::kConfig, path + ": is a directory (--dockerfile wants the Dockerfile itself)");
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(ErrorKind::kConfig, path + ": cannot read the Dockerfile");
  std::string text(kMaxBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (f.bad()) throw Error(ErrorKind::kConfig, path + ": cannot read the Dockerfile");
  text.resize(static_cast<size_t>(f.gcount()));
  if (text.size() > kMaxBytes) {
    throw Error(ErrorKind::kConfig, path + ": larger than " + std::to_string(kMaxBytes) + " bytes: not a Dockerfile");
  }
  try {
    return parse_dockerfile(text, options);
  } catch (Error& e) {
    throw e.with_context(path);
  }
}

std::map<std::string, std::string> platform_build_args(const std::string& os, const std::string& architecture,
                                                       const std::string& variant) {
  std::map<std::string, std::string> out;
  if (os.empty() || architecture.empty()) return out;
  out["TARGETOS"] = os;
  out["TARGETARCH"] = architecture;
  out["TARGETVARIANT"] = variant;
  out["TARGETPLATFORM"] = os + "/" + architecture + (variant.empty() ? "" : "/" + variant);
  return out;
}

}  // namespace layerscope

#include "source/registry/www_authenticate.h"
#include "util/text.h"

#include <cctype>

namespace layerscope::registry {

namespace {

bool is_tchar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

class Lexer {
 public:
  explicit Lexer(const std::string& s) : s_(s) {}
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool at_end() {
    skip_space();
    return pos_ >= s_.size();
  }
  bool eat(char c) {
    skip_space();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string token() {
    skip_space();
    size_t start = pos_;
    while (pos_ < s_.size() && is_tchar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }
  // token68 may end with '=' padding; only used to step over it.
  void skip_token68() {
    while (pos_ < s_.size() && (is_tchar(s_[pos_]) || s_[pos_] == '/' || s_[pos_] == '=')) ++pos_;
  }
  std::string quoted() {
    std::string out;
    ++pos_;  // opening quote
    while (pos_ < s_.size() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      out += s_[pos_++];
    }
    if (pos_ < s_.size()) ++pos_;  // closing quote
    return out;
  }
  // An unquoted value should be a token; be lenient and take everything up to ',' or a
  // space, since some servers send unquoted URLs.
  std::string bare_value() {
    skip_space();
    size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != ' ' && s_[pos_] != '\t') ++pos_;
    return s_.substr(start, pos_ - start);
  }
  bool peek_quote() {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == '"';
  }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }
  void skip_to_comma() {
    while (pos_ < s_.size() && s_[pos_] != ',') {
      if (s_[pos_] == '"') quoted();
      else ++pos_;
    }
  }

 private:
  const std::string& s_;
  size_t pos_ = 0;
};

}  // namespace

std::string Challenge::param(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

std::vector<Challenge> parse_www_authenticate(const std::string& header) {
  std::vector<Challenge> out;
  Lexer lx(header);
  while (!lx.at_end()) {
    if (lx.eat(',')) continue;
    std::string scheme = lx.token();
    if (scheme.empty()) {
      lx.skip_to_comma();
      continue;
    }
    Challenge ch;
    ch.scheme = ascii_lower(scheme);
    // Parameters until the next "token SP" that is not followed by '=' (a new challenge).
    for (;;) {
      if (lx.at_end()) break;
      size_t mark = lx.pos();
      lx.eat(',');
      std::string name = lx.token();
      if (name.empty()) {
        if (lx.at_end()) break;
        lx.skip_token68();  // e.g. "Negotiate abc=="
        lx.skip_to_comma();
        continue;
      }
      if (!lx.eat('=')) {
        lx.set_pos(mark);  // a new challenge starts here
        break;
      }
      std::string value = lx.peek_quote() ? lx.quoted() : lx.bare_value();
      ch.params[ascii_lower(name)] = value;
    }
    out.push_back(std::move(ch));
  }
  return out;
}

}  // namespace layerscope::registry

#include "source/registry/reference.h"

#include <cctype>

#include "layerscope/error.h"
#include "util/digest.h"

namespace layerscope::registry {

namespace {

constexpr size_t kMaxNameLength = 255;  // distribution/reference NameTotalLengthMax
constexpr size_t kMaxTagLength = 128;

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*,  separator := [_.] | "__" | "-"+
bool valid_path_component(const std::string& s) {
  if (s.empty() || !is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  for (size_t i = 0; i < s.size();) {
    if (is_lower_alnum(s[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    if (s[i] == '-') {
      while (j < s.size() && s[j] == '-') ++j;
    } else if (s[i] == '_' && i + 1 < s.size() && s[i + 1] == '_') {
      j = i + 2;
    } else if (s[i] == '_' || s[i] == '.') {
      j = i + 1;
    } else {
      return false;
    }
    if (j >= s.size() || !is_lower_alnum(s[j])) return false;
    i = j;
  }
  return true;
}

// domain := component ("." component)* [":" port], component := [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
// or an IPv6 literal in brackets.
bool valid_domain(const std::string& d) {
  std::string host = d;
  std::string port;
  if (!d.empty() && d.front() == '[') {
    auto close = d.find(']');
    if (close == std::string::npos) return false;
    for (size_t i = 1; i < close; ++i) {
      if (!std::isxdigit(static_cast<unsigned char>(d[i])) && d[i] != ':' && d[i] != '.') return false;
    }
    host.clear();
    if (close + 1 < d.size()) {
      if (d[close + 1] != ':') return false;
      port = d.substr(close + 2);
      if (port.empty()) return false;
    }
  } else {
    auto colon = d.find(':');
    if (colon != std::string::npos) {
      host = d.substr(0, colon);
      port = d.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty()) return false;
    size_t start = 0;
    for (;;) {
      size_t dot = host.find('.', start);
      std::string comp = host.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      if (comp.empty() || comp.front() == '-' || comp.back() == '-') return false;
      for (char c : comp) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
  }
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool valid_tag(const std::string& t) {
  if (t.empty() || t.size() > kMaxTagLength) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(t[0])) return false;
  for (char c : t) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

[[noreturn]] void bad(const std::string& text, const std::string& why) {
  throw Error(ErrorKind::kUsage, "docker://" + text + ": invalid image reference: " + why);
}

}  // namespace

std::string RegistryReference::api_host() const { return domain == kDockerHubDomain ? kDockerHubApiHost : domain; }

std::string RegistryReference::str() const {
  std::string s = domain + "/" + repository;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::string RegistryReference::hostname() const {
  if (!domain.empty() && domain.front() == '[') return domain.substr(1, domain.find(']') - 1);
  return domain.substr(0, domain.find(':'));
}

RegistryReference parse_registry_reference(const std::string& text) {
  if (text.empty()) bad(text, "empty");
  RegistryReference r;
  std::string rest = text;
  if (auto at = rest.find('@'); at != std::string::npos) {
    std::string digest = rest.substr(at + 1);
    if (!looks_like_digest(digest)) bad(text, "'" + digest + "' is not a sha256 or sha512 digest");
    r.digest = digest;
    rest = rest.substr(0, at);
  }
  // A tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
  auto slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    r.tag = rest.substr(colon + 1);
    if (!valid_tag(r.tag)) bad(text, "'" + r.tag + "' is not a valid tag");
    rest = rest.substr(0, colon);
  }
  std::string path = rest;
  auto first = rest.find('/');
  if (first != std::string::npos) {
    std::string head = rest.substr(0, first);
    bool lower = true;
    for (char c : head) lower &= !std::isupper(static_cast<unsigned char>(c));
    if (head.find_first_of(".:") != std::string::npos || head == "localhost" || head.front() == '[' || !lower) {
      if (!valid_domain(head)) bad(text, "'" + head + "' is not a valid registry host");
      r.domain = head;
      path = rest.substr(first + 1);
    }
  }
  if (r.domain.empty() || r.domain == "index.docker.io") r.domain = kDockerHubDomain;
  if (path.empty()) bad(text, "no repository name");
  for (char c : path) {
    if (std::isupper(static_cast<unsigned char>(c))) bad(text, "repository name must be lowercase");
  }
  size_t start = 0;
  for (;;) {
    size_t next = path.find('/', start);
    std::string comp = path.substr(start, next == std::string::npos ? std::string::npos : next - start);
    if (!valid_path_component(comp)) bad(text, "'" + comp + "' is not a valid repository path component");
    if (next == std::string::npos) break;
    start = next + 1;
  }
  if (r.domain == kDockerHubDomain && path.find('/') == std::string::npos) path = "library/" + path;
  if (r.domain.size() + 1 + path.size() > kMaxNameLength) bad(text, "name longer than 255 characters");
  r.repository = path;
  if (r.tag.empty() && r.digest.empty()) r.tag = "latest";
  return r;
}

bool is_loopback_host(const std::string& hostname) {
  if (hostname == "localhost" || hostname == "::1") return true;
  if (hostname.rfind("127.", 0) != 0) return false;
  // 127.x.y.z with numeric parts only.
  int dots = 0;
  for (char c : hostname) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots == 3;
}

}  // namespace layerscope::registry

#include "layer/secret_sniff.h"

#include <algorithm>

#include "layerscope/layer_index.h"
#include "util/path.h"

namespace layerscope {

namespace {

constexpr size_t kPemWindow = 1024;       // PEM headers sit at the top of a file
constexpr size_t kConfigWindow = 64 * 1024;

bool contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

bool has_pem_private_key(const std::string& s) {
  size_t begin = s.find("-----BEGIN ");
  if (begin == std::string::npos) return false;
  size_t eol = s.find('\n', begin);
  std::string_view line(s.data() + begin, (eol == std::string::npos ? s.size() : eol) - begin);
  return line.find("PRIVATE KEY-----") != std::string_view::npos;
}

// `key` at the start of a line, followed by '=' or ':' and a non-empty value.
bool has_line_value(const std::string& s, std::string_view key) {
  for (size_t pos = s.find(key); pos != std::string::npos; pos = s.find(key, pos + 1)) {
    if (pos > 0 && s[pos - 1] != '\n' && s[pos - 1] != ' ' && s[pos - 1] != '\t') continue;
    size_t i = pos + key.size();
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size() || (s[i] != '=' && s[i] != ':')) continue;
    ++i;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i < s.size() && s[i] != '\n' && s[i] != '\r') return true;
  }
  return false;
}

}  // namespace

void SecretSniffer::start(std::string_view path, uint64_t size) {
  head_.clear();
  std::string_view base = base_name(path);
  kind_ = Kind::kPlain;
  if (base == ".npmrc") kind_ = Kind::kNpmrc;
  else if (base == ".pypirc") kind_ = Kind::kPypirc;
  else if (base == ".netrc" || base == "_netrc") kind_ = Kind::kNetrc;
  else if (base == ".git-credentials") kind_ = Kind::kGitCredentials;
  else if (base == "config.json" && base_name(dir_name(path)) == ".docker") kind_ = Kind::kDockerConfig;
  size_t window = kind_ == Kind::kPlain ? kPemWindow : kConfigWindow;
  want_ = static_cast<size_t>(std::min<uint64_t>(size, window));
  head_.reserve(want_);
}

void SecretSniffer::feed(const uint8_t* data, size_t size) {
  if (head_.size() >= want_) return;
  size_t take = std::min(size, want_ - head_.size());
  head_.append(reinterpret_cast<const char*>(data), take);
}

uint8_t SecretSniffer::finish() {
  uint8_t flags = 0;
  if (has_pem_private_key(head_)) flags |= kFlagPemPrivateKey;
  bool creds = false;
  switch (kind_) {
    case Kind::kNpmrc:
      creds = contains(head_, "_authToken") || contains(head_, "_auth") || contains(head_, "_password");
      break;
    case Kind::kPypirc: creds = has_line_value(head_, "password"); break;
    case Kind::kNetrc: creds = contains(head_, "password"); break;
    case Kind::kGitCredentials: creds = contains(head_, "://") && contains(head_, "@"); break;
    case Kind::kDockerConfig:
      creds = (contains(head_, "\"auth\"") && !contains(head_, "\"auth\": \"\"") && !contains(head_, "\"auth\":\"\"")) ||
              contains(head_, "\"identitytoken\"");
      break;
    case Kind::kPlain: break;
  }
  if (creds) flags |= kFlagCredentials;
  head_.clear();
  return flags;
}

}  // namespace layerscope

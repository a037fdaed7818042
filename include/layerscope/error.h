// The one exception family of layerscope. Every failure carries a kind (which decides the
// exit code) and a context chain ("layer 3 sha256:ab12…: usr/lib/x.so: offset 1536") so the
// single line a user sees names the layer, path or offset at fault.
#pragma once

#include <stdexcept>
#include <string>

namespace layerscope {

enum class ErrorKind {
  kUsage,        // bad command line
  kConfig,       // bad policy / config file
  kIo,           // cannot open or read a file
  kFormat,       // malformed archive, JSON, tar, compression
  kDigest,       // sha256 (or size) differs from what a manifest promises
  kUnsupported,  // valid but not something we read (unknown media type, digest algorithm)
  kLimit,        // a resource limit was hit (decompression bomb, too many entries)
  kNetwork,      // registry and transport failures
  kNotFound,     // the requested image, tag, platform or blob is not there
  kInternal,     // a bug
};

// Exit codes shared by every command: 0 ok, 1 gate failed, 2 usage/config, 3 input unusable.
inline constexpr int kExitOk = 0;
inline constexpr int kExitGateFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInput = 3;

int exit_code_for(ErrorKind kind);
const char* error_kind_name(ErrorKind kind);

class Error : public std::exception {
 public:
  Error(ErrorKind kind, std::string message);

  ErrorKind kind() const { return kind_; }
  const char* what() const noexcept override { return text_.c_str(); }
  const std::string& text() const { return text_; }

  // Prefix context, outermost last: err.with_context("layer 2 sha256:ab…") reads
  // "layer 2 sha256:ab…: <inner>".
  Error& with_context(const std::string& context);

 private:
  ErrorKind kind_;
  std::string text_;
};

}  // namespace layerscope

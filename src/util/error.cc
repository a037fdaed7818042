#include "layerscope/error.h"

namespace layerscope {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kConfig:
      return kExitUsage;
    default:
      return kExitInput;
  }
}

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kConfig: return "config";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kFormat: return "format";
    case ErrorKind::kDigest: return "digest";
    case ErrorKind::kUnsupported: return "unsupported";
    case ErrorKind::kLimit: return "limit";
    case ErrorKind::kNetwork: return "network";
    case ErrorKind::kNotFound: return "not-found";
    case ErrorKind::kInternal: return "internal";
  }
  return "unknown";
}

Error::Error(ErrorKind kind, std::string message) : kind_(kind), text_(std::move(message)) {}

Error& Error::with_context(const std::string& context) {
  if (!context.empty()) text_ = context + ": " + text_;
  return *this;
}

}  // namespace layerscope

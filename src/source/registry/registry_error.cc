#include "source/registry/registry_error.h"

#include <nlohmann/json.hpp>

namespace layerscope::registry {

namespace {

constexpr size_t kMaxShownChars = 200;

const char* reason_phrase(long status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 416: return "Range Not Satisfiable";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

// Registry text is untrusted: one line, printable, bounded.
std::string clean(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (out.size() >= kMaxShownChars) {
      out += "…";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
  }
  return out;
}

// The code a status implies when the body names none (the spec's table).
std::string code_for(long status) {
  switch (status) {
    case 401: return "UNAUTHORIZED";
    case 403: return "DENIED";
    case 429: return "TOOMANYREQUESTS";
    default: return "";
  }
}

}  // namespace

std::string describe_registry_error(long status, const std::string& body) {
  std::string parts;
  auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_object()) {
    auto errors = doc.find("errors");
    if (errors != doc.end() && errors->is_array()) {
      for (const auto& e : *errors) {
        if (!e.is_object()) continue;
        auto text_of = [&](const char* key) {
          auto it = e.find(key);
          return it != e.end() && it->is_string() ? it->get<std::string>() : std::string();
        };
        std::string code = text_of("code");
        std::string message = text_of("message");
        if (code.empty() && message.empty()) continue;
        std::string one = clean(code.empty() ? code_for(status) : code);
        if (!message.empty()) one += (one.empty() ? "" : ": ") + clean(message);
        parts += (parts.empty() ? "" : "; ") + one;
        if (parts.size() > 2 * kMaxShownChars) break;
      }
    }
  }
  std::string http = "HTTP " + std::to_string(status);
  if (parts.empty()) {
    std::string code = code_for(status);
    std::string reason = reason_phrase(status);
    if (!code.empty()) return code + ": " + (reason.empty() ? http : reason) + " (" + http + ")";
    return reason[0] ? http + " " + reason : http;
  }
  return parts + " (" + http + ")";
}

Error registry_error(const std::string& what, long status, const std::string& body) {
  ErrorKind kind = status == 404 ? ErrorKind::kNotFound : ErrorKind::kNetwork;
  return Error(kind, what + ": " + describe_registry_error(status, body));
}

}  // namespace layerscope::registry

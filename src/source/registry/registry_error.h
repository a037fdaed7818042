// Registry error answers (distribution-spec "Error Codes"): a 4xx/5xx body of the form
// {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown", "detail": …}]}.
// What the user sees is the code and message, e.g. "MANIFEST_UNKNOWN: manifest unknown
// (HTTP 404)"; a body that is not such JSON (an HTML page from a proxy or a CDN) is never
// shown, only the status.
#pragma once

#include <string>

#include "layerscope/error.h"

namespace layerscope::registry {

// "CODE: message (HTTP nnn)"; "HTTP nnn Reason" when the body carries no registry error.
std::string describe_registry_error(long status, const std::string& body);

// The Error to throw: kNotFound for 404, kNetwork otherwise (both exit 3).
Error registry_error(const std::string& what, long status, const std::string& body);

}  // namespace layerscope::registry

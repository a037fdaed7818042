// Base64 (RFC 4648 section 4, standard alphabet with '=' padding) for HTTP Basic
// credentials and the `auth` field of docker's config.json, and the URL-safe alphabet
// (section 5) for reading JWT payloads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace layerscope {

std::string base64_encode(std::string_view bytes);

// Accepts both alphabets, with or without padding, ignoring whitespace; nullopt when the
// text is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace layerscope

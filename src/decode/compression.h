// Layer compression is decided from the first bytes of the blob, not from its media type or
// file name: gzip starts with 1f 8b (RFC 1952), a zstd frame with 28 b5 2f fd and a zstd
// skippable frame with 5? 2a 4d 18 (RFC 8878); anything else is treated as a plain tar. The
// media type is only checked against the result, and a disagreement becomes a diagnostic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "decode/byte_source.h"
#include "layerscope/types.h"

namespace layerscope {

Compression sniff_compression(const uint8_t* data, size_t size);

// What a media type says about compression; nullopt-like kNone also for plain tar types.
// Returns false in `known` when the media type is not a layer type we understand.
Compression compression_from_media_type(std::string_view media_type, bool* known);

// Wraps `inner` in the right decompressor (or returns a pass-through for kNone). `what`
// names the stream in error messages; errors report the compressed offset reached.
std::unique_ptr<Decoder> make_decoder(Compression c, ByteSource& inner, std::string what);

}  // namespace layerscope

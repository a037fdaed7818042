// Bytes by origin and by instruction: which layers the base image brought, which ones this
// image's own build added (and from which Dockerfile line), and which ones neither the
// Dockerfile nor the history could explain. docs/attribution.md explains the rules.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace layerscope {

// LayerReport::origin and InstructionBytes::origin hold one of these.
inline constexpr const char* kOriginBase = "base";        // the FROM image's layers
inline constexpr const char* kOriginOwn = "own";          // made by this image's own instructions
inline constexpr const char* kOriginUnknown = "unknown";  // unmatched, or no way to tell

// The bytes of one instruction (or, for the base image, of all its layers together).
struct InstructionBytes {
  std::string instruction;       // "RUN pip install …" (Dockerfile text when one was given),
                                 // "FROM debian:bookworm" / "(base image)" for the base layers
  int dockerfile_line = -1;      // first line, -1 when not from a Dockerfile
  int dockerfile_last_line = -1;
  std::string origin;            // kOriginBase | kOriginOwn | kOriginUnknown
  std::vector<int> layers;       // the layers it made, in order
  uint64_t content_bytes = 0;    // Σ regular-file bytes of those layers
  uint64_t compressed_bytes = 0; // Σ blob sizes
  uint64_t added_bytes = 0;      // Σ bytes of files at paths no lower layer had
};

struct Attribution {
  std::string method = "none";  // "dockerfile" (--dockerfile given), "heuristic" (history only)
  std::string rule;             // one sentence: how the base/own boundary was decided
  std::string dockerfile;       // the --dockerfile path as given, "" without one
  std::string base_image;       // the final stage's FROM image ("" unknown, "scratch" for none)
  int from_line = -1;           // the line of that FROM
  int base_layers = 0, own_layers = 0, unknown_layers = 0;
};

}  // namespace layerscope

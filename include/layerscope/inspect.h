// `inspect`: what an image's manifests and configs say, without reading a single layer
// blob — per platform, the layer descriptors with their compressed sizes and a summary of
// the config (user, health check, history). Against a registry this costs a handful of
// small requests, so it answers in well under a second.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layerscope/analysis.h"
#include "layerscope/image.h"
#include "layerscope/types.h"

namespace layerscope {

struct LayerDescriptor {
  std::string digest;      // "" when the layout names layers by file (docker-save)
  std::string diff_id;     // from the config
  std::string media_type;
  std::optional<uint64_t> compressed_bytes;  // the descriptor's size (nullopt: layout has none)
};

struct PlatformImage {
  std::string platform;  // os/arch[/variant]
  std::string name;      // tag / ref name
  std::string manifest_digest;
  std::string config_digest;
  std::vector<LayerDescriptor> layers;
  uint64_t compressed_bytes = 0;  // Σ known layer sizes
  ImageConfig config;             // history[].layer filled in
};

struct Inspection {
  std::string reference;
  std::string transport;
  std::string layout;
  std::vector<PlatformImage> images;  // every platform of an index, else the one image
  std::vector<Diagnostic> diagnostics;
};

// Uses reference, image, platform and registry of `options` (--platform or --image narrow
// an index down to one image). Throws layerscope::Error.
Inspection inspect(const AnalyzeOptions& options);

std::string render_inspect_json(const Inspection& inspection);
std::string render_inspect_text(const Inspection& inspection);

// `analyze --all-platforms`: one analysis per image manifest of an index, in index order
// (one analysis when the input is a single image).
std::vector<Analysis> analyze_all_platforms(const AnalyzeOptions& options);

// A table with one row per platform (layers, compressed, content, final sizes) and, for
// JSON, an array of the per-platform reports.
std::string render_platforms_text(const std::vector<Analysis>& analyses);
std::string render_platforms_json(const std::vector<Analysis>& analyses);

}  // namespace layerscope

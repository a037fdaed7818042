// inspect() and analyze_all_platforms(): both open the input once and then resolve each
// image manifest of an index on the same store (OpenedImage::resolve), so a registry is
// pinged and authenticated once. For a registry the per-platform manifests and configs are
// fetched in parallel over the connection pool; local stores are resolved one by one.
#include <algorithm>

#include "attrib/history_map.h"
#include "layerscope/error.h"
#include "layerscope/inspect.h"
#include "pipeline/analyze_opened.h"
#include "source/open_image.h"
#include "util/parallel.h"

namespace layerscope {

namespace {

// Resolves every candidate of an index (or keeps the one image when there is no choice
// to make or the user made it).
std::vector<ResolvedImage> resolve_each(OpenedImage& opened, const AnalyzeOptions& options) {
  const auto& choices = opened.resolved.choices;
  if (choices.size() <= 1 || !options.platform.empty() || !options.image.empty()) return {opened.resolved};
  std::vector<ResolvedImage> out(choices.size());
  unsigned jobs = opened.resolved.info.transport == "docker" ? std::max(1u, options.registry.max_connections) : 1;
  auto errors = parallel_for(choices.size(), jobs, [&](size_t i) {
    // Chosen by digest, so no "several platforms" diagnostic is attached to any of them.
    out[i] = opened.resolve({choices[i].digest, ""});
  });
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return out;
}

PlatformImage platform_image(const BlobStore& store, const ResolvedImage& r) {
  PlatformImage p;
  p.name = r.info.name;
  p.manifest_digest = r.info.manifest_digest;
  p.config_digest = r.info.config_digest;
  p.config = parse_image_config(r.config_bytes, store.describe() + ": config " + r.info.config_digest.substr(0, 19));
  map_history_to_layers(p.config.history, r.layers.size());
  p.platform = r.info.platform;
  if (p.platform.empty() && !p.config.os.empty()) {
    p.platform = p.config.os + "/" + p.config.architecture + (p.config.variant.empty() ? "" : "/" + p.config.variant);
  }
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const LayerRef& l = r.layers[i];
    LayerDescriptor d{l.digest, i < p.config.diff_ids.size() ? p.config.diff_ids[i] : "", l.media_type, l.size};
    if (!d.compressed_bytes) d.compressed_bytes = store.size_of(l.path);
    if (d.compressed_bytes) p.compressed_bytes += *d.compressed_bytes;
    p.layers.push_back(std::move(d));
  }
  return p;
}

}  // namespace

Inspection inspect(const AnalyzeOptions& options) {
  // A compressed archive streams its members by once; inspect needs none of them.
  MemberVisitor ignore = [](const std::string&, ByteSource&, uint64_t) {};
  PhaseClock phase(options.progress);
  phase.next("open");
  OpenedImage opened = open_image(parse_reference(options.reference), {options.image, options.platform}, ignore,
                                  options.registry);
  phase.next("resolve");
  Inspection out;
  out.reference = opened.resolved.info.reference;
  out.transport = opened.resolved.info.transport;
  out.layout = opened.resolved.info.layout;
  for (const auto& r : resolve_each(opened, options)) {
    out.images.push_back(platform_image(*opened.store, r));
    for (const auto& d : r.diagnostics) {
      if (d.code != "platform-chosen" && d.code != "multiple-images") out.diagnostics.push_back(d);
    }
  }
  return out;
}

std::vector<Analysis> analyze_all_platforms(const AnalyzeOptions& options) {
  // A compressed archive streams once: every member is indexed on the way, for any platform.
  StreamedLayers streamed;
  MemberVisitor visitor = layer_visitor(streamed, options);
  PhaseClock phase(options.progress);
  phase.next("open");
  OpenedImage opened = open_image(parse_reference(options.reference), {options.image, options.platform}, visitor,
                                  options.registry);
  phase.end();
  std::vector<Analysis> out;
  for (auto& r : resolve_each(opened, options)) {
    opened.resolved = std::move(r);
    out.push_back(analyze_opened(opened, streamed, options));
  }
  return out;
}

}  // namespace layerscope

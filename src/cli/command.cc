#include "cli/command.h"

#include <cstdio>
#include <fstream>

#include "layerscope/error.h"
#include "util/units.h"

namespace layerscope::cli {

void ImageOptions::add_to(CLI::App* cmd, bool positional_required) {
  auto* opt = cmd->add_option("image", analyze.reference,
                              "Image: PATH, docker-archive:PATH[:NAME:TAG], oci:DIR[:REF], oci-archive:PATH[:REF], "
                              "dir:PATH, docker://REGISTRY/REPO[:TAG|@DIGEST]");
  if (positional_required) opt->required();
  cmd->add_option("--image", analyze.image, "Which image of a multi-image archive or layout (NAME:TAG or ref name)");
  cmd->add_option("--platform", analyze.platform, "Platform of a multi-platform image: os/arch[/variant]");
  cmd->add_option("-j,--jobs", analyze.jobs, "Layers indexed in parallel (default: one per CPU)");
  cmd->add_flag("--no-verify", no_verify, "Skip sha256 verification of blobs and diff_ids");
  cmd->add_option("--max-layer-size", max_layer_size, "Refuse layers that inflate beyond this (default 256GiB)");
  cmd->add_option("--max-entries", analyze.max_entries, "Refuse layers with more tar entries than this");
  cmd->add_flag("--no-cache", no_cache, "Read every layer; do not use or fill the layer cache");
  cmd->add_option("--cache-dir", cache_dir, "Layer cache directory (default $XDG_CACHE_HOME/layerscope)");
  cmd->add_option("--cache-size", cache_size, "Layer cache size cap, least recently used evicted (default 2GiB)");
  cmd->add_option("--dockerfile", analyze.dockerfile,
                  "The Dockerfile the image was built from: map layers to its lines and split base vs own bytes");
}

AnalyzeOptions ImageOptions::resolve(const std::string& reference) {
  AnalyzeOptions o = analyze;
  o.reference = reference;
  o.verify = !no_verify;
  if (!max_layer_size.empty()) {
    auto v = parse_byte_size(max_layer_size);
    if (!v) throw Error(ErrorKind::kUsage, "--max-layer-size: not a size: '" + max_layer_size + "'");
    o.max_layer_bytes = *v;
  }
  // The cache only holds verified results, so it is off when verification is.
  if (!no_cache && !no_verify && !cache) {
    uint64_t cap = kDefaultCacheBytes;
    if (!cache_size.empty()) {
      auto v = parse_byte_size(cache_size);
      if (!v) throw Error(ErrorKind::kUsage, "--cache-size: not a size: '" + cache_size + "'");
      cap = *v;
    }
    std::string dir = cache_dir.empty() ? default_cache_dir() : cache_dir;
    if (!dir.empty()) cache = open_disk_layer_cache(dir, cap);
  }
  o.cache = cache.get();
  return o;
}

void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return;
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw Error(ErrorKind::kIo, path + ": cannot write the report");
  f << text;
  if (!f.flush()) throw Error(ErrorKind::kIo, path + ": write failed");
}

}  // namespace layerscope::cli

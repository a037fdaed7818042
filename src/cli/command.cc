#include "cli/command.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "cli/run_watch.h"
#include "layerscope/error.h"
#include "util/units.h"

namespace layerscope::cli {

void ImageOptions::add_to(CLI::App* cmd, bool positional_required) {
  auto* opt = cmd->add_option("image", analyze.reference,
                              "Image: PATH, docker-archive:PATH[:NAME:TAG], oci:DIR[:REF], oci-archive:PATH[:REF], "
                              "dir:PATH, docker://REGISTRY/REPO[:TAG|@DIGEST]");
  if (positional_required) opt->required();
  add_options_to(cmd);
}

void ImageOptions::add_options_to(CLI::App* cmd) {
  cmd->add_option("--image", analyze.image, "Which image of a multi-image archive or layout (NAME:TAG or ref name)");
  cmd->add_option("--platform", analyze.platform, "Platform of a multi-platform image: os/arch[/variant]");
  cmd->add_option("-j,--jobs", analyze.jobs, "Layers indexed in parallel (default: one per CPU)");
  cmd->add_flag("--no-verify", no_verify, "Skip sha256 verification of blobs and diff_ids");
  cmd->add_option("--max-layer-size", max_layer_size, "Refuse layers that inflate beyond this (default 256GiB)");
  cmd->add_option("--max-entries", analyze.max_entries, "Refuse images with more tar entries than this, all layers together (default 3000000; ~0.7 KB of memory each)");
  cmd->add_flag("--no-cache", no_cache, "Read every layer; do not use or fill the layer cache");
  cmd->add_option("--cache-dir", cache_dir, "Layer cache directory (default $XDG_CACHE_HOME/layerscope)");
  cmd->add_option("--cache-size", cache_size, "Layer cache size cap, least recently used evicted (default 2GiB)");
  cmd->add_option("--dockerfile", analyze.dockerfile,
                  "The Dockerfile the image was built from: map layers to its lines and split base vs own bytes");
  cmd->add_option("--build-arg", build_args,
                  "KEY=VALUE (or KEY, from the environment) as given to the build of --dockerfile; repeatable");
  cmd->add_option("--target", analyze.target, "The --dockerfile stage that was built (docker build --target)");
  cmd->add_flag("-q,--quiet", quiet, "No progress line on stderr (it is shown only when stderr is a terminal)");
  cmd->add_flag("--stats", stats,
                "After the run, print wall time per phase and per layer (bytes, MB/s, cache hits) on stderr");

  const char* group = "Registry (docker://)";
  RegistryOptions& r = analyze.registry;
  cmd->add_option("--creds", r.creds, "Registry credentials USER:PASSWORD (else auth files, see docs/registry.md)")
      ->group(group);
  cmd->add_option("--authfile", r.authfile, "Read credentials from this auth.json / config.json only")->group(group);
  cmd->add_option("--cert-dir", r.cert_dir, "Trust the *.crt CAs in DIR (and use DIR's *.cert/*.key client pair)")
      ->group(group);
  cmd->add_flag("--tls-verify{true}", r.tls_verify,
                "--tls-verify=false skips certificate checks and allows plain HTTP")
      ->group(group);
  cmd->add_option("--connect-timeout", r.connect_timeout_s, "Seconds to wait for a connection (default 30)")
      ->check(CLI::PositiveNumber)
      ->group(group);
  cmd->add_option("--stall-timeout", r.stall_timeout_s,
                  "Seconds without data before a transfer is retried (default 60)")
      ->check(CLI::PositiveNumber)
      ->group(group);
  cmd->add_option("--max-connections", r.max_connections, "Connections to the registry at once (default 4)")
      ->check(CLI::Range(1u, 64u))
      ->group(group);
  cmd->add_option("--retries", r.retries, "Retries of a failed request (default 4)")
      ->check(CLI::Range(0u, 20u))
      ->group(group);
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
  // As `docker build --build-arg`: KEY=VALUE, or a bare KEY taking its value from the
  // environment (and left unset when the environment has none).
  for (const auto& arg : build_args) {
    size_t eq = arg.find('=');
    std::string key = arg.substr(0, eq);
    if (key.empty()) throw Error(ErrorKind::kUsage, "--build-arg: no name in '" + arg + "'");
    if (eq != std::string::npos) {
      o.build_args[key] = arg.substr(eq + 1);
    } else if (const char* env = std::getenv(key.c_str())) {
      o.build_args[key] = env;
    }
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
  if (!watch) watch = RunWatch::make(stats, quiet);
  o.progress = watch.get();
  return o;
}

void ImageOptions::report(const std::function<void()>& write, const std::string& phase) {
  if (watch) watch->report(write, phase);
  else write();
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

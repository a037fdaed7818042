// analyze(): the whole analysis as a sequence of narrated steps. Each step is one call into
// the module that owns it; this file only decides the order and passes results along.
#include <algorithm>
#include <chrono>
#include <future>
#include <optional>

#include "attrib/dive_efficiency.h"
#include "attrib/dockerfile.h"
#include "attrib/dockerfile_map.h"
#include "attrib/history_map.h"
#include "attrib/instruction.h"
#include "attrib/tree_summary.h"
#include "layerscope/analysis.h"
#include "layerscope/error.h"
#include "pipeline/analyze_opened.h"
#include "pipeline/layer_jobs.h"
#include "pipeline/progress_source.h"
#include "rules/engine.h"
#include "source/open_image.h"
#include "util/parallel.h"

namespace layerscope {

namespace {

IndexOptions index_options(const AnalyzeOptions& o) {
  IndexOptions io;
  io.verify = o.verify;
  io.hash_content = o.hash_content;
  io.max_tar_bytes = o.max_layer_bytes;
  io.max_entries = o.max_entries;
  // With more than one core, split each layer into stages on separate threads so that one
  // big layer keeps every core busy, not just the one decompressing.
  io.pipeline = (o.jobs ? o.jobs : default_jobs()) > 1;
  return io;
}

// A compressed archive streams once; every blob-like member is indexed as it passes. Which
// layer a member is only becomes known later, so the observer hears of archive bytes now and
// of each layer (with the time it took here) when the layer jobs run.
MemberVisitor streaming_visitor(StreamedLayers& streamed, const IndexOptions& options, ProgressObserver* progress) {
  return [&streamed, options, progress](const std::string& member, ByteSource& data, uint64_t) {
    auto started = std::chrono::steady_clock::now();
    ProgressSource::Report report;
    if (progress) report = [progress](uint64_t delta) { progress->archive_bytes(delta); };
    try {
      streamed.done[member] = index_reporting(data, member, options, report);
    } catch (...) {
      streamed.failed[member] = std::current_exception();
    }
    streamed.seconds[member] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
}

void check_config_against_layers(ImageConfig& config, const ResolvedImage& image, const std::string& what) {
  if (image.info.layout == "docker-save-v1" && config.diff_ids.empty()) {
    config.synthesized = true;
    return;
  }
  if (config.diff_ids.size() != image.layers.size()) {
    throw Error(ErrorKind::kFormat, what + ": the manifest lists " + std::to_string(image.layers.size()) +
                                        " layers but the config has " + std::to_string(config.diff_ids.size()) +
                                        " rootfs.diff_ids");
  }
}

LayerReport layer_report(size_t i, const LayerRef& ref, const LayerIndex& idx, const LayerChanges& changes,
                         const ImageConfig& config, int history_index, bool verified) {
  LayerReport r;
  r.index = static_cast<int>(i);
  r.digest = !idx.blob_digest.empty() ? idx.blob_digest : ref.digest;
  r.diff_id = i < config.diff_ids.size() ? config.diff_ids[i] : idx.tar_digest;
  if (r.digest.empty() && idx.compression == Compression::kNone) r.digest = r.diff_id;
  r.media_type = ref.media_type;
  r.compression = idx.compression;
  r.compressed_bytes = idx.compressed_bytes;
  r.tar_bytes = idx.tar_bytes;
  r.content_bytes = idx.content_bytes;
  r.entries = idx.entry_count;
  r.files = idx.file_count;
  r.added = changes.added;
  r.modified = changes.modified;
  r.deleted = changes.deleted;
  uint64_t charged = 0;
  for (const auto& e : idx.entries) charged += e.compressed_est;
  r.overhead = {idx.header_bytes, idx.padding_bytes, idx.end_bytes, idx.other_data_bytes,
                idx.compressed_bytes - std::min(charged, idx.compressed_bytes)};
  r.history_index = history_index;
  if (history_index >= 0) {
    r.created_by = config.history[history_index].created_by;
    r.instruction = clean_instruction(r.created_by);
  }
  if (r.instruction.empty()) r.instruction = "(missing)";
  r.verified = verified;
  return r;
}

}  // namespace

MemberVisitor layer_visitor(StreamedLayers& streamed, const AnalyzeOptions& options) {
  return streaming_visitor(streamed, index_options(options), options.progress);
}

Analysis analyze(const AnalyzeOptions& options) {
  // 1. Open the input and resolve which blobs make up the image (streaming compressed
  //    archives through the layer indexer on the way).
  StreamedLayers streamed;
  PhaseClock phase(options.progress);
  phase.next("open");
  OpenedImage opened = open_image(parse_reference(options.reference), {options.image, options.platform},
                                  layer_visitor(streamed, options), options.registry);
  phase.end();
  return analyze_opened(opened, streamed, options);
}

Analysis analyze_opened(OpenedImage& opened, const StreamedLayers& streamed, const AnalyzeOptions& options) {
  Analysis a;
  IndexOptions io = index_options(options);
  unsigned jobs = options.jobs ? options.jobs : default_jobs();
  // Registry layers wait on the network more than on the CPU: keep every connection busy.
  if (!options.jobs && opened.resolved.info.transport == "docker") jobs = std::max(jobs, options.registry.max_connections);
  ResolvedImage& image = opened.resolved;
  a.image = image.info;
  a.diagnostics = image.diagnostics;
  PhaseClock phase(options.progress);  // each step below is a phase for --stats and the progress line

  // 2. Parse the config and check it describes the same number of layers.
  phase.next("config");
  const std::string config_what = opened.store->describe() + ": config " + a.image.config_digest.substr(0, 19);
  a.image.config = parse_image_config(image.config_bytes, config_what);
  check_config_against_layers(a.image.config, image, config_what);
  if (a.image.platform.empty()) {
    a.image.platform = a.image.config.os + "/" + a.image.config.architecture;
    if (!a.image.config.variant.empty()) a.image.platform += "/" + a.image.config.variant;
  }

  // 2b. Read the Dockerfile now, so a malformed one fails before any layer is read. The
  //     image's platform supplies TARGETARCH & co. as the build did.
  std::optional<Dockerfile> dockerfile;
  if (!options.dockerfile.empty()) {
    const ImageConfig& c = a.image.config;
    DockerfileOptions df_options{platform_build_args(c.os, c.architecture, c.variant)};
    for (const auto& [k, v] : options.build_args) df_options.build_args[k] = v;
    dockerfile = read_dockerfile(options.dockerfile, df_options);
    if (!options.target.empty()) dockerfile->select_target(options.target);
  } else if (!options.target.empty() || !options.build_args.empty()) {
    throw Error(ErrorKind::kUsage, "--target and --build-arg describe the build of --dockerfile; give it too");
  }

  // 3. Index every layer in parallel; verify sizes, digests and diff_ids.
  phase.next("index");
  a.indexes = index_layers(*opened.store, image, a.image.config, streamed, io, jobs, options.cache, a.diagnostics,
                           options.progress);
  if (a.image.config.synthesized) {
    for (const auto& idx : a.indexes) a.image.config.diff_ids.push_back(idx.tar_digest);
  }

  // 4. Replay the layers in order: the final tree and what each layer added, changed, hid.
  //    dive's efficiency walk (step 6) reads only the layer indexes, so with a second core it
  //    runs beside the merge: after the last layer is decoded this tail is all that is left.
  //    (The "efficiency" phase, last, times only what the merge and the findings did not hide.)
  phase.next("merge");
  std::vector<const LayerIndex*> stack;
  for (const auto& idx : a.indexes) stack.push_back(&idx);
  std::future<Efficiency> dive = std::async(jobs > 1 ? std::launch::async : std::launch::deferred,
                                            [&stack] { return dive_efficiency(stack); });
  a.merged = merge_layers(stack);
  for (const auto& d : a.merged.diagnostics) a.diagnostics.push_back(d);

  // 5. Attribute: history entries to layers, then per-layer and whole-image figures.
  phase.next("summaries");
  std::vector<int> history_of = map_history_to_layers(a.image.config.history, a.indexes.size());
  for (size_t i = 0; i < a.indexes.size(); ++i) {
    const LayerIndex& idx = a.indexes[i];
    a.layers.push_back(layer_report(i, image.layers[i], idx, a.merged.layers[i], a.image.config, history_of[i],
                                    options.verify && !a.image.config.synthesized));
    a.totals.compressed_bytes += idx.compressed_bytes;
    a.totals.tar_bytes += idx.tar_bytes;
    a.totals.content_bytes += idx.content_bytes;
  }
  a.totals.layers = a.indexes.size();
  summarize_tree(a.indexes, a.merged.tree, options.top_n, a.totals, a.largest_dirs, a.largest_files);

  // 6. Waste: dive's efficiency figures (same floats as dive, so CI thresholds carry over) and
  //    layerscope's reclaimable bytes (each hidden byte once). Where dive's own algorithm would
  //    go wrong on this image, say so among the diagnostics. Nothing in steps 7 and 8 reads
  //    them, so dive's walk is collected only after the findings, and its diagnostics go where
  //    they always stood.
  size_t efficiency_diagnostics_at = a.diagnostics.size();

  // 7. Origins: the Dockerfile's final stage aligned with the history (layers get their
  //    lines), or without one the base image's boundary as the history suggests it; then
  //    the base/own split of the totals and the bytes per instruction.
  phase.next("attribution");
  apply_attribution(dockerfile ? map_dockerfile(*dockerfile, a.image.config.history, a.layers.size())
                               : guess_base_layers(a.image.config.history, a.layers.size()),
                    a);
  a.attribution.dockerfile = options.dockerfile;

  // 8. Findings: what is bloat or a hygiene problem, the fix, what it saves; then the budget
  //    projection and the .dockerignore lines built on them.
  phase.next("findings");
  a.findings = evaluate_rules(a, options.rules);
  for (const auto& f : a.findings) a.savings_bytes += f.savings_bytes;
  if (options.budget_bytes) a.budget = project_budget(a, *options.budget_bytes);
  a.dockerignore = suggest_dockerignore(a);

  phase.next("efficiency");
  a.efficiency = dive.get();
  a.efficiency.reclaimable_bytes = reclaimable_bytes(stack, a.merged.shadows);
  a.diagnostics.insert(a.diagnostics.begin() + static_cast<std::ptrdiff_t>(efficiency_diagnostics_at),
                       a.efficiency.diagnostics.begin(), a.efficiency.diagnostics.end());
  return a;
}

}  // namespace layerscope

#include "pipeline/layer_jobs.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>

#include "decode/compression.h"
#include "decode/stage_buffers.h"
#include "layerscope/error.h"
#include "pipeline/progress_source.h"
#include "util/digest.h"
#include "util/parallel.h"

namespace layerscope {

LayerIndex index_reporting(ByteSource& blob, const std::string& what, const IndexOptions& options,
                           const std::function<void(uint64_t)>& report) {
  // Unobserved runs read the blob directly: not even a pass-through call per read.
  if (!report) return index_layer(blob, what, options);
  ProgressSource counted(blob, report);
  LayerIndex index = index_layer(counted, what, options);
  counted.flush();
  return index;
}

std::string layer_label(size_t index, const LayerRef& ref, const ImageConfig& config) {
  std::string id = ref.digest;
  if (id.empty() && index < config.diff_ids.size()) id = config.diff_ids[index];
  std::string label = "layer " + std::to_string(index);
  if (!id.empty()) label += " " + short_digest(id);
  if (id.empty() || ref.digest.empty()) label += " (" + ref.path + ")";
  return label;
}

namespace {

// Media type first: an unknown one is refused before any byte is read.
void check_media_type(size_t i, const LayerRef& ref, const std::string& label) {
  if (ref.media_type.empty()) return;
  bool known = false;
  compression_from_media_type(ref.media_type, &known);
  if (!known) {
    throw Error(ErrorKind::kUnsupported, label + ": unknown layer media type '" + ref.media_type + "'");
  }
}

void verify_layer(size_t i, const LayerRef& ref, const ImageConfig& config, const LayerIndex& idx,
                  const IndexOptions& options, const std::string& label, std::vector<Diagnostic>& diags) {
  if (ref.size && *ref.size != idx.compressed_bytes) {
    throw Error(ErrorKind::kDigest, label + ": blob is " + std::to_string(idx.compressed_bytes) +
                                        " bytes, the manifest says " + std::to_string(*ref.size));
  }
  if (!ref.media_type.empty()) {
    bool known = false;
    Compression said = compression_from_media_type(ref.media_type, &known);
    if (said != idx.compression) {
      diags.push_back({"media-type-mismatch",
                       "media type " + ref.media_type + " says " + compression_name(said) + " but the blob is " +
                           compression_name(idx.compression),
                       static_cast<int>(i), ""});
    }
  }
  if (!options.verify) return;
  if (!ref.digest.empty()) {
    Digest want = parse_digest(ref.digest, label);
    if (want.algorithm != DigestAlgorithm::kSha256 && idx.blob_digest.rfind("sha256:", 0) == 0) {
      diags.push_back({"digest-not-verified", "blob digest uses " + std::string(digest_algorithm_name(want.algorithm)) +
                                                  " and was streamed before it was known; not verified",
                       static_cast<int>(i), ""});
    } else if (want.str() != idx.blob_digest) {
      throw Error(ErrorKind::kDigest, label + ": digest mismatch: the manifest says " + want.str() +
                                          ", the blob hashes to " + idx.blob_digest);
    }
  }
  if (i < config.diff_ids.size() && config.diff_ids[i].rfind("sha512:", 0) == 0 &&
      idx.tar_digest.rfind("sha256:", 0) == 0) {
    // A compressed archive streams its layers before the config says which algorithm to use.
    diags.push_back({"diff-id-not-verified",
                     "diff_id uses sha512 and the layer was streamed before it was known; not verified",
                     static_cast<int>(i), ""});
  } else if (i < config.diff_ids.size() && config.diff_ids[i] != idx.tar_digest) {
    throw Error(ErrorKind::kDigest, label + ": diff_id mismatch: the config says " + config.diff_ids[i] +
                                        ", the uncompressed layer hashes to " + idx.tar_digest);
  }
}

// A layer is identified by the digest of its blob as stored. The manifest gives it for OCI
// and registry images; a docker-save layer stored uncompressed has its diff_id as that digest.
// A compressed blob known only by its diff_id (kaniko-style saves) has no stable identity
// and is not cached. Options that change what an index holds are part of the key.
std::string cache_key(const BlobStore& store, const LayerRef& ref, const ImageConfig& config, size_t i,
                      const IndexOptions& o) {
  std::string id = ref.digest;
  if (id.empty() && i < config.diff_ids.size()) {
    auto blob = store.open(ref.path);
    std::vector<uint8_t> head = read_up_to(*blob, 4);
    if (sniff_compression(head.data(), head.size()) == Compression::kNone) id = config.diff_ids[i];
  }
  if (id.empty()) return "";
  // The index holds the diff_id in the config's algorithm: a sha512 one is another entry.
  return id + (o.hash_content ? "" : ";nohash") + (o.tar_algorithm == DigestAlgorithm::kSha512 ? ";diffid-sha512" : "");
}

const LayerIndex& streamed_result(const BlobStore& store, const StreamedLayers& streamed, const LayerRef& ref,
                                   const std::string& label) {
  std::string member = store.canonical(ref.path);
  auto bad = streamed.failed.find(member);
  if (bad != streamed.failed.end()) std::rethrow_exception(bad->second);
  auto good = streamed.done.find(member);
  if (good == streamed.done.end()) {
    throw Error(ErrorKind::kNotFound, label + ": blob '" + ref.path + "' was not found in the archive");
  }
  return good->second;
}

// What the observer is told before the jobs start: each blob's size as the manifest promises
// it, else as the store knows it, and their sum when every one is known.
std::optional<uint64_t> announce_layers(const BlobStore& store, const ResolvedImage& image,
                                        std::vector<std::optional<uint64_t>>& sizes) {
  std::optional<uint64_t> total = 0;
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const LayerRef& ref = image.layers[i];
    sizes[i] = ref.size ? ref.size : store.size_of(ref.path);
    if (!sizes[i]) total.reset();
    if (total) *total += *sizes[i];
  }
  return total;
}

LayerStats layer_stats(const LayerRef& ref, const LayerIndex& idx, double seconds, bool from_cache, bool streamed) {
  LayerStats s;
  s.digest = !idx.blob_digest.empty() ? idx.blob_digest : !ref.digest.empty() ? ref.digest : idx.tar_digest;
  s.compression = idx.compression;
  s.compressed_bytes = idx.compressed_bytes;
  s.tar_bytes = idx.tar_bytes;
  s.seconds = seconds;
  s.from_cache = from_cache;
  s.streamed = streamed;
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::vector<size_t> layer_job_order(const std::vector<std::optional<uint64_t>>& sizes, unsigned jobs) {
  std::vector<size_t> order(sizes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  if (jobs <= 1) return order;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sizes[a].value_or(0) > sizes[b].value_or(0); });
  return order;
}

std::vector<LayerIndex> index_layers(const BlobStore& store, const ResolvedImage& image, const ImageConfig& config,
                                     const StreamedLayers& streamed, const IndexOptions& options, unsigned jobs,
                                     LayerCache* cache, std::vector<Diagnostic>& diagnostics,
                                     ProgressObserver* progress) {
  size_t n = image.layers.size();
  std::vector<std::string> labels(n);
  for (size_t i = 0; i < n; ++i) {
    labels[i] = layer_label(i, image.layers[i], config);
    check_media_type(i, image.layers[i], labels[i]);
    if (!store.exists(image.layers[i].path)) {
      throw Error(ErrorKind::kNotFound, labels[i] + ": blob '" + image.layers[i].path + "' is missing from " +
                                            store.describe());
    }
  }
  std::vector<std::optional<uint64_t>> sizes(n);
  std::optional<uint64_t> total_size = announce_layers(store, image, sizes);
  if (progress) progress->layers_begin(n, total_size);
  std::vector<LayerIndex> out(n);
  std::vector<std::vector<Diagnostic>> per_layer(n);
  // --max-entries bounds the whole image: every layer's index stays in memory until the merge.
  std::atomic<uint64_t> image_entries{0};
  auto count_whole = [&](const LayerIndex& index, const std::string& label) {
    if (image_entries.fetch_add(index.entry_count) + index.entry_count > options.max_entries) {
      throw Error(ErrorKind::kLimit, label + ": the image has more than " + std::to_string(options.max_entries) +
                                         " tar entries (--max-entries)");
    }
  };
  std::vector<size_t> order = layer_job_order(sizes, jobs);
  auto job_errors = parallel_for(n, jobs, [&](size_t job) {
    size_t i = order[job];
    auto started = std::chrono::steady_clock::now();
    const LayerRef& ref = image.layers[i];
    if (progress) progress->layer_begin(i, labels[i], sizes[i]);
    IndexOptions opts = options;
    opts.image_entries = &image_entries;
    if (!ref.digest.empty() && ref.digest.rfind("sha512:", 0) == 0) opts.blob_algorithm = DigestAlgorithm::kSha512;
    if (i < config.diff_ids.size() && config.diff_ids[i].rfind("sha512:", 0) == 0) {
      opts.tar_algorithm = DigestAlgorithm::kSha512;
    }
    std::string key = cache && !store.sequential() ? cache_key(store, ref, config, i, opts) : "";
    bool from_cache = false;
    double seconds = 0;  // the job's own, unless the layer was indexed while the archive streamed
    if (store.sequential()) {
      out[i] = streamed_result(store, streamed, ref, labels[i]);
      count_whole(out[i], labels[i]);
      auto took = streamed.seconds.find(store.canonical(ref.path));
      if (took != streamed.seconds.end()) seconds = took->second;
    } else if (auto hit = key.empty() ? std::nullopt : cache->get(key)) {
      out[i] = std::move(*hit);
      from_cache = true;
      count_whole(out[i], labels[i]);
    } else {
      auto blob = store.open(ref.path);
      ProgressSource::Report report;
      if (progress) report = [progress, i](uint64_t delta) { progress->layer_bytes(i, delta); };
      out[i] = index_reporting(*blob, labels[i], opts, report);
    }
    verify_layer(i, ref, config, out[i], opts, labels[i], per_layer[i]);
    // Only verified results are worth remembering: the key promises these bytes.
    if (!key.empty() && !from_cache && opts.verify) cache->put(key, out[i]);
    if (!progress) return;
    if (!store.sequential()) seconds = seconds_since(started);
    progress->layer_end(i, layer_stats(ref, out[i], seconds, from_cache, store.sequential()));
  });
  // The jobs are done: their recycled stage buffers would only add to the merge's peak.
  release_stage_buffers();
  std::vector<std::exception_ptr> errors(n);
  for (size_t job = 0; job < n; ++job) errors[order[job]] = job_errors[job];
  for (size_t i = 0; i < n; ++i) {
    if (!errors[i]) continue;
    try {
      std::rethrow_exception(errors[i]);
    } catch (Error& e) {
      if (e.text().rfind("layer ", 0) != 0) e.with_context(labels[i]);
      throw;
    } catch (const std::bad_alloc&) {
      throw Error(ErrorKind::kLimit, labels[i] + ": out of memory while indexing");
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kInternal, labels[i] + ": " + e.what());
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (auto d : out[i].diagnostics) {
      d.layer = static_cast<int>(i);
      diagnostics.push_back(std::move(d));
    }
    for (auto& d : per_layer[i]) diagnostics.push_back(std::move(d));
  }
  return out;
}

}  // namespace layerscope

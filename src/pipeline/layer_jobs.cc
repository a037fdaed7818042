#include "pipeline/layer_jobs.h"

#include <atomic>

#include "decode/compression.h"
#include "layerscope/error.h"
#include "util/digest.h"
#include "util/parallel.h"

namespace layerscope {

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

}  // namespace

std::vector<LayerIndex> index_layers(const BlobStore& store, const ResolvedImage& image, const ImageConfig& config,
                                     const StreamedLayers& streamed, const IndexOptions& options, unsigned jobs,
                                     LayerCache* cache, std::vector<Diagnostic>& diagnostics) {
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
  auto errors = parallel_for(n, jobs, [&](size_t i) {
    const LayerRef& ref = image.layers[i];
    IndexOptions opts = options;
    opts.image_entries = &image_entries;
    if (!ref.digest.empty() && ref.digest.rfind("sha512:", 0) == 0) opts.blob_algorithm = DigestAlgorithm::kSha512;
    if (i < config.diff_ids.size() && config.diff_ids[i].rfind("sha512:", 0) == 0) {
      opts.tar_algorithm = DigestAlgorithm::kSha512;
    }
    std::string key = cache && !store.sequential() ? cache_key(store, ref, config, i, opts) : "";
    bool from_cache = false;
    if (store.sequential()) {
      out[i] = streamed_result(store, streamed, ref, labels[i]);
      count_whole(out[i], labels[i]);
    } else if (auto hit = key.empty() ? std::nullopt : cache->get(key)) {
      out[i] = std::move(*hit);
      from_cache = true;
      count_whole(out[i], labels[i]);
    } else {
      auto blob = store.open(ref.path);
      out[i] = index_layer(*blob, labels[i], opts);
    }
    verify_layer(i, ref, config, out[i], opts, labels[i], per_layer[i]);
    // Only verified results are worth remembering: the key promises these bytes.
    if (!key.empty() && !from_cache && opts.verify) cache->put(key, out[i]);
  });
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

#include "layer/indexer.h"

#include <optional>

#include "decode/async_source.h"
#include "decode/chunk_source.h"
#include "decode/compression.h"
#include "decode/layer_digests.h"
#include "decode/tar_reader.h"
#include "layer/cost_map.h"
#include "layer/secret_sniff.h"
#include "layerscope/error.h"
#include "util/content_hash.h"
#include "util/path.h"

namespace layerscope {

namespace {

// Fails once more than `limit` bytes have come out of the decompressor, so a bomb stops at
// the limit instead of grinding through terabytes of zeros.
class LimitSource : public ByteSource {
 public:
  LimitSource(ByteSource& inner, uint64_t limit, const std::string& what)
      : inner_(inner), limit_(limit), what_(what) {}
  size_t read(uint8_t* buf, size_t cap) override { return count(inner_.read(buf, cap)); }
  bool can_borrow() const override { return inner_.can_borrow(); }
  size_t borrow(const uint8_t** data, size_t cap) override { return count(inner_.borrow(data, cap)); }

 private:
  size_t count(size_t n) {
    total_ += n;
    if (total_ > limit_) {
      throw Error(ErrorKind::kLimit, what_ + ": uncompressed layer exceeds the " + std::to_string(limit_) +
                                         "-byte limit (--max-layer-size); refusing a possible decompression bomb");
    }
    return n;
  }

  ByteSource& inner_;
  uint64_t limit_;
  uint64_t total_ = 0;
  const std::string& what_;
};

EntryKind kind_of(const TarEntry& e, std::string_view base) {
  switch (e.type) {
    case TarType::kRegular:
    case TarType::kSparse:
      if (base.substr(0, 4) == ".wh.") {
        return base == ".wh..wh..opq" ? EntryKind::kOpaque : EntryKind::kWhiteout;
      }
      return EntryKind::kFile;
    case TarType::kDirectory: return EntryKind::kDir;
    case TarType::kSymlink: return EntryKind::kSymlink;
    case TarType::kHardlink: return EntryKind::kHardlink;
    case TarType::kChar:
    case TarType::kBlock: return EntryKind::kDevice;
    case TarType::kFifo: return EntryKind::kFifo;
    default: return EntryKind::kOther;
  }
}

// No real filesystem path is longer than PATH_MAX (4096); these caps keep hostile names from
// driving recursion depth or memory while leaving room for every genuine path.
constexpr size_t kMaxPathBytes = 16 * 1024;
constexpr size_t kMaxPathDepth = 1024;

size_t depth_of(const std::string& p) {
  size_t d = 1;
  for (char c : p) d += c == '/';
  return d;
}

struct PathNotes {
  uint64_t absolute = 0, escaped = 0, bad_utf8 = 0, sparse = 0, marker_with_data = 0;
  std::string first_escaped, first_bad_utf8;
};

void add_path_diagnostics(const PathNotes& n, LayerIndex& out) {
  if (n.escaped) {
    out.diagnostics.push_back({"path-escapes-root",
                               std::to_string(n.escaped) + " entries use '..' to climb above the root (first: '" +
                                   n.first_escaped + "'); they were clamped to the root",
                               -1, n.first_escaped});
  }
  if (n.bad_utf8) {
    out.diagnostics.push_back({"path-not-utf8",
                               std::to_string(n.bad_utf8) + " entry names are not valid UTF-8", -1, n.first_bad_utf8});
  }
  if (n.sparse) {
    out.diagnostics.push_back({"sparse-entry",
                               std::to_string(n.sparse) +
                                   " sparse entries: sizes count the stored bytes, not the holes", -1, ""});
  }
  if (n.marker_with_data) {
    out.diagnostics.push_back({"whiteout-with-data",
                               std::to_string(n.marker_with_data) + " whiteout markers carry data bytes", -1, ""});
  }
}

// Charges each kept entry the compressed bytes of its range in the tar stream; the root
// entry and the end-of-archive blocks are what remains of the blob.
void assign_compressed_costs(LayerIndex& out, const std::vector<uint64_t>& starts, uint64_t end_of_entries,
                             const Checkpoints& checkpoints) {
  CostMap map(checkpoints, out.tar_bytes, out.compressed_bytes);
  for (size_t i = 0; i < out.entries.size(); ++i) {
    uint64_t end = i + 1 < starts.size() ? starts[i + 1] : end_of_entries;
    out.entries[i].compressed_est = map.at(end) - map.at(starts[i]);
  }
}

}  // namespace

LayerIndex index_layer(ByteSource& blob, const std::string& what, const IndexOptions& options) {
  LayerIndex out;
  // Both digests are fed from the ends of the pipeline; how they are computed (paired with
  // the SHA extensions, else OpenSSL per stream) is LayerDigests' business.
  LayerDigests digests(options.verify, options.blob_algorithm, options.tar_algorithm, options.paired_digests);
  DigestTap blob_tap(blob, digests, DigestTap::Side::kBlob);
  // Stage boundary 1: reading the blob (and hashing it, when unpaired) runs on its own thread.
  std::optional<AsyncSource> read_stage;
  if (options.pipeline) read_stage.emplace(blob_tap);
  ByteSource& stored = options.pipeline ? static_cast<ByteSource&>(*read_stage) : blob_tap;
  std::vector<uint8_t> head = read_up_to(stored, 512);
  if (head.empty()) throw Error(ErrorKind::kFormat, what + ": layer blob is empty");
  out.compression = sniff_compression(head.data(), head.size());
  PrefixedSource rewound(std::move(head), stored);
  auto decoder = make_decoder(out.compression, rewound, what);
  Checkpoints checkpoints;
  CheckpointTee positioned(*decoder, checkpoints);
  // Stage boundary 2: decompression on its own thread, hashing and tar parsing on this one.
  // Without the pipeline a same-thread chunk stage drives the decoder instead, in the same
  // pattern, so the compressed-cost checkpoints (and the report) do not depend on -j.
  std::optional<AsyncSource> inflate_stage;
  std::optional<ChunkSource> inflate_chunks;
  bool compressed = out.compression != Compression::kNone;
  if (compressed && options.pipeline) inflate_stage.emplace(positioned);
  if (compressed && !options.pipeline) inflate_chunks.emplace(positioned);
  ByteSource& inflated = inflate_stage   ? static_cast<ByteSource&>(*inflate_stage)
                         : inflate_chunks ? static_cast<ByteSource&>(*inflate_chunks)
                                          : positioned;
  LimitSource limited(inflated, options.max_tar_bytes, what);
  // An uncompressed blob is its own diff_id when both use one algorithm: hash it once.
  bool reuse_blob_digest = out.compression == Compression::kNone && options.blob_algorithm == options.tar_algorithm;
  if (reuse_blob_digest) digests.tar_is_blob();
  DigestTap tar_tap(limited, digests, DigestTap::Side::kTar);
  TarReader tar(tar_tap, what, options.tar_buffer_bytes);

  PathNotes notes;
  std::vector<uint64_t> starts;  // tar offset where each kept entry begins
  ContentHasher hasher;
  SecretSniffer sniffer;
  uint64_t data_bytes = 0;
  TarEntry te;
  while (tar.next(te)) {
    ++out.entry_count;
    bool over = out.entry_count > options.max_entries;
    if (options.image_entries) over = options.image_entries->fetch_add(1, std::memory_order_relaxed) >= options.max_entries;
    if (over) {
      throw Error(ErrorKind::kLimit, what + ": the image has more than " + std::to_string(options.max_entries) +
                                         " tar entries (--max-entries)");
    }
    out.header_bytes += te.header_bytes;
    out.padding_bytes += te.padding_bytes;
    data_bytes += te.size;
    CleanPath cp = clean_entry_path(te.name);
    if (cp.escaped && notes.escaped++ == 0) notes.first_escaped = te.name;
    if (cp.was_absolute) ++notes.absolute;
    if ((te.pax_path_invalid_utf8 || !is_valid_utf8(te.name)) && notes.bad_utf8++ == 0) notes.first_bad_utf8 = cp.path;
    if (te.type == TarType::kSparse) ++notes.sparse;

    LayerEntry e;
    e.kind = kind_of(te, base_name(cp.path));
    // A regular file whose name cleans to the root ("." "/" "..") would be counted in
    // file_count / content_bytes but never reach the tree (root entries are not kept), so the
    // merge, dir sizes and reclaimable bytes could not add up. No runtime can apply it either
    // (docker's extraction fails opening the root directory as a file): reject the layer.
    if (cp.path.empty() && e.kind == EntryKind::kFile) {
      throw Error(ErrorKind::kFormat, what + ": entry at tar offset " + std::to_string(te.header_offset) +
                                          " is a regular file named '" + te.name.substr(0, 80) +
                                          "', which would replace the image root");
    }
    e.size = te.size;
    e.header_offset = te.header_offset;
    e.mode = te.mode;
    e.uid = static_cast<uint32_t>(te.uid);
    e.gid = static_cast<uint32_t>(te.gid);
    if (e.kind == EntryKind::kFile) {
      ++out.file_count;
      out.content_bytes += te.size;
      if (options.hash_content) {
        hasher.reset();
        sniffer.start(cp.path, te.size);
        tar.read_data([&](const uint8_t* p, size_t n) {
          hasher.update(p, n);
          sniffer.feed(p, n);
        });
        e.hash = hasher.finish();
        e.flags = sniffer.finish();
      }
    } else if (e.kind == EntryKind::kOther) {
      out.other_data_bytes += te.size;
    } else if (e.is_marker() && te.size) {
      ++notes.marker_with_data;
      out.other_data_bytes += te.size;
      e.size = 0;
    }
    if (e.kind == EntryKind::kHardlink) {
      e.link = clean_entry_path(te.linkname).path;
    } else if (e.kind == EntryKind::kSymlink) {
      e.link = te.linkname;
    }
    if (cp.path.empty()) continue;  // the root entry "./": counted, not a node
    if (cp.path.size() > kMaxPathBytes || depth_of(cp.path) > kMaxPathDepth) {
      throw Error(ErrorKind::kLimit, what + ": entry at tar offset " + std::to_string(te.header_offset) +
                                         " has a path deeper or longer than any filesystem allows (" +
                                         std::to_string(cp.path.size()) + " bytes)");
    }
    e.path = std::move(cp.path);
    out.entries.push_back(std::move(e));
    starts.push_back(te.header_offset);
  }
  uint64_t end_of_entries = tar.offset();
  bool trailing_nonzero = false;
  out.end_bytes = tar.finish(options.max_trailing_bytes, &trailing_nonzero);
  if (trailing_nonzero) {
    out.diagnostics.push_back({"tar-trailing-data", "non-zero bytes follow the end-of-archive marker", -1, ""});
  }
  add_path_diagnostics(notes, out);

  // Drain whatever is left (a gzip trailer, bytes after a zstd frame), so digests cover it all.
  uint8_t sink[4096];
  while (tar_tap.read(sink, sizeof sink)) {
  }
  while (stored.read(sink, sizeof sink)) {
  }
  out.tar_bytes = tar_tap.bytes();
  out.compressed_bytes = blob_tap.bytes();
  if (out.header_bytes + data_bytes + out.padding_bytes + out.end_bytes != out.tar_bytes) {
    throw Error(ErrorKind::kInternal, what + ": tar accounting does not add up");
  }
  assign_compressed_costs(out, starts, end_of_entries, checkpoints);
  if (options.verify) {
    out.blob_digest = digests.blob_digest().str();
    out.tar_digest = digests.tar_digest().str();
  }
  return out;
}

}  // namespace layerscope

#include "layer/index_codec.h"

#include <xxhash.h>

#include <cstring>

#include "layerscope_version.h"

namespace layerscope {

namespace {

// The last byte is the index revision: bump it whenever what the indexer records changes
// (fields, or how a figure is computed), so caches written by an older build are ignored
// even when the release version is the same. 3: compressed-cost checkpoints independent of
// input chunking; sha512 diff_ids. 4: checkpoints the same at any -j.
constexpr char kMagic[8] = {'L', 'S', 'I', 'D', 'X', 0, 0, 4};

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void i32(int32_t v) { raw(&v, 4); }
  void str(std::string_view s) {
    u32(static_cast<uint32_t>(s.size()));
    out_.append(s);
  }
  void raw(const void* p, size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool ok() const { return ok_; }
  uint8_t u8() {
    uint8_t v = 0;
    raw(&v, 1);
    return v;
  }
  uint32_t u32() {
    uint32_t v = 0;
    raw(&v, 4);
    return v;
  }
  uint64_t u64() {
    uint64_t v = 0;
    raw(&v, 8);
    return v;
  }
  int32_t i32() {
    int32_t v = 0;
    raw(&v, 4);
    return v;
  }
  std::string str() {
    uint32_t n = u32();
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  bool at_end() const { return pos_ == in_.size(); }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  void raw(void* p, size_t n) {
    if (!ok_ || n > in_.size() - pos_) {
      ok_ = false;
      std::memset(p, 0, n);
      return;
    }
    std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
  }
  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace

std::string encode_layer_index(const LayerIndex& x, std::string_view key) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.str(LAYERSCOPE_VERSION);
  w.str(key);
  w.u8(static_cast<uint8_t>(x.compression));
  w.str(x.blob_digest);
  w.str(x.tar_digest);
  for (uint64_t v : {x.compressed_bytes, x.tar_bytes, x.header_bytes, x.padding_bytes, x.end_bytes, x.content_bytes,
                     x.other_data_bytes, x.entry_count, x.file_count}) {
    w.u64(v);
  }
  w.u64(x.entries.size());
  for (const auto& e : x.entries) {
    w.str(e.path);
    w.str(e.link);
    w.u64(e.size);
    w.u64(e.header_offset);
    w.u64(e.compressed_est);
    w.u64(e.hash.high);
    w.u64(e.hash.low);
    w.u32(e.mode);
    w.u32(e.uid);
    w.u32(e.gid);
    w.u8(static_cast<uint8_t>(e.kind));
    w.u8(e.flags);
  }
  w.u64(x.diagnostics.size());
  for (const auto& d : x.diagnostics) {
    w.str(d.code);
    w.str(d.message);
    w.i32(d.layer);
    w.str(d.path);
  }
  w.u64(XXH3_64bits(w.bytes().data(), w.bytes().size()));
  return std::move(w.bytes());
}

std::optional<LayerIndex> decode_layer_index(std::string_view bytes, std::string_view key) {
  if (bytes.size() < sizeof kMagic + 8 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return std::nullopt;
  std::string_view body = bytes.substr(0, bytes.size() - 8);
  uint64_t sum;
  std::memcpy(&sum, bytes.data() + body.size(), 8);
  if (sum != XXH3_64bits(body.data(), body.size())) return std::nullopt;
  Reader r(body.substr(sizeof kMagic));
  if (r.str() != LAYERSCOPE_VERSION || r.str() != key) return std::nullopt;
  LayerIndex x;
  uint8_t c = r.u8();
  if (c > static_cast<uint8_t>(Compression::kZstd)) return std::nullopt;
  x.compression = static_cast<Compression>(c);
  x.blob_digest = r.str();
  x.tar_digest = r.str();
  for (uint64_t* v : {&x.compressed_bytes, &x.tar_bytes, &x.header_bytes, &x.padding_bytes, &x.end_bytes,
                      &x.content_bytes, &x.other_data_bytes, &x.entry_count, &x.file_count}) {
    *v = r.u64();
  }
  uint64_t n = r.u64();
  // Each entry needs at least 58 bytes: refuse counts the data cannot hold before reserving.
  if (!r.ok() || n > r.remaining() / 58) return std::nullopt;
  x.entries.resize(n);
  for (auto& e : x.entries) {
    e.path = r.str();
    e.link = r.str();
    e.size = r.u64();
    e.header_offset = r.u64();
    e.compressed_est = r.u64();
    e.hash.high = r.u64();
    e.hash.low = r.u64();
    e.mode = r.u32();
    e.uid = r.u32();
    e.gid = r.u32();
    uint8_t kind = r.u8();
    if (kind > static_cast<uint8_t>(EntryKind::kOther)) return std::nullopt;
    e.kind = static_cast<EntryKind>(kind);
    e.flags = r.u8();
  }
  uint64_t nd = r.u64();
  if (!r.ok() || nd > r.remaining() / 16) return std::nullopt;
  x.diagnostics.resize(nd);
  for (auto& d : x.diagnostics) {
    d.code = r.str();
    d.message = r.str();
    d.layer = r.i32();
    d.path = r.str();
  }
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return x;
}

}  // namespace layerscope

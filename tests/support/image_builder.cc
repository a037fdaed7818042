#include "support/image_builder.h"

#include <openssl/sha.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "pipeline/analyze_opened.h"

namespace lstest {

namespace {

void octal(char* field, size_t len, uint64_t v) {
  std::snprintf(field, len, "%0*llo", static_cast<int>(len - 1), static_cast<unsigned long long>(v));
}

std::string pax_record(const std::string& key, const std::string& value) {
  // "%d %s=%s\n" where %d counts the whole record including itself.
  size_t base = key.size() + value.size() + 3;
  size_t len = base + 1;
  while (std::to_string(len).size() + base != len) ++len;
  return std::to_string(len) + " " + key + "=" + value + "\n";
}

void pad512(std::string& s) { s.append((512 - s.size() % 512) % 512, '\0'); }

}  // namespace

void TarBuilder::header(const std::string& path, char type, uint64_t size, uint32_t mode, uint32_t uid,
                        const std::string& link) {
  if (path.size() > 99 || link.size() > 99) {
    std::string pax;
    if (path.size() > 99) pax += pax_record("path", path);
    if (link.size() > 99) pax += pax_record("linkpath", link);
    header("PaxHeaders/x", 'x', pax.size(), 0644, 0, "");
    out_ += pax;
    pad512(out_);
  }
  char h[512];
  std::memset(h, 0, sizeof h);
  std::strncpy(h, path.substr(0, 99).c_str(), 100);
  octal(h + 100, 8, mode);
  octal(h + 108, 8, uid);
  octal(h + 116, 8, uid);
  octal(h + 124, 12, size);
  octal(h + 136, 12, 0);
  h[156] = type;
  std::strncpy(h + 157, link.substr(0, 99).c_str(), 100);
  std::memcpy(h + 257, "ustar", 6);
  std::memcpy(h + 263, "00", 2);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  h[155] = ' ';
  out_.append(h, 512);
}

TarBuilder& TarBuilder::file(const std::string& path, const std::string& content, uint32_t mode, uint32_t uid) {
  header(path, '0', content.size(), mode, uid, "");
  out_ += content;
  pad512(out_);
  return *this;
}

TarBuilder& TarBuilder::dir(const std::string& path, uint32_t mode) {
  header(path.back() == '/' ? path : path + "/", '5', 0, mode, 0, "");
  return *this;
}

TarBuilder& TarBuilder::symlink(const std::string& path, const std::string& target) {
  header(path, '2', 0, 0777, 0, target);
  return *this;
}

TarBuilder& TarBuilder::hardlink(const std::string& path, const std::string& target) {
  header(path, '1', 0, 0644, 0, target);
  return *this;
}

TarBuilder& TarBuilder::whiteout(const std::string& path) {
  auto slash = path.rfind('/');
  std::string marker = slash == std::string::npos ? ".wh." + path : path.substr(0, slash + 1) + ".wh." + path.substr(slash + 1);
  return file(marker, "");
}

TarBuilder& TarBuilder::opaque(const std::string& dir) { return file(dir + "/.wh..wh..opq", ""); }

TarBuilder& TarBuilder::raw_entry(const std::string& path, char type, const std::string& data, uint64_t size_field) {
  header(path, type, size_field, 0644, 0, "");
  out_ += data;
  pad512(out_);
  return *this;
}

std::string TarBuilder::finish(bool pad_record) const {
  std::string s = out_;
  s.append(1024, '\0');
  if (pad_record) s.append((10240 - s.size() % 10240) % 10240, '\0');
  return s;
}

std::string gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  if (ZSTD_isError(n)) throw std::runtime_error("zstd");
  out.resize(n);
  return out;
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  char hex[65];
  for (int i = 0; i < 32; ++i) std::snprintf(hex + 2 * i, 3, "%02x", md[i]);
  return std::string(hex, 64);
}

void build_oci(OciImage& img, const std::vector<LayerSpec>& layers, const std::string& config_extra_json) {
  std::string diff_ids, history, descs;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerSpec& l = layers[i];
    std::string blob = l.compression == "gzip" ? gzip(l.tar) : l.compression == "zstd" ? zstd(l.tar) : l.tar;
    std::string mt = l.media_type;
    if (mt.empty()) {
      mt = "application/vnd.oci.image.layer.v1.tar";
      if (l.compression == "gzip") mt += "+gzip";
      if (l.compression == "zstd") mt += "+zstd";
    }
    std::string digest = img.store.put_blob(blob);
    img.layer_digests.push_back(digest);
    diff_ids += std::string(i ? "," : "") + "\"sha256:" + sha256_hex(l.tar) + "\"";
    history += std::string(i ? "," : "") + "{\"created_by\":\"" + l.created_by + "\"}";
    descs += std::string(i ? "," : "") + "{\"mediaType\":\"" + mt + "\",\"digest\":\"" + digest +
             "\",\"size\":" + std::to_string(blob.size()) + "}";
  }
  std::string config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{" + config_extra_json +
                       "},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diff_ids + "]},\"history\":[" + history + "]}";
  img.config_digest = img.store.put_blob(config);
  std::string manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                         "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" +
                         img.config_digest + "\",\"size\":" + std::to_string(config.size()) + "},\"layers\":[" + descs + "]}";
  img.manifest_digest = img.store.put_blob(manifest);
  img.store.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
  img.store.put("index.json", "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                              "\"digest\":\"" + img.manifest_digest + "\",\"size\":" + std::to_string(manifest.size()) +
                              ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
}

layerscope::Analysis analyze_oci(const OciImage& img, const layerscope::AnalyzeOptions& options) {
  layerscope::OpenedImage opened;
  opened.store = std::make_unique<layerscope::MemoryStore>(img.store);
  opened.resolved = layerscope::resolve_oci_layout(*opened.store, {});
  layerscope::StreamedLayers none;
  return layerscope::analyze_opened(opened, none, options);
}

}  // namespace lstest

// Test inputs built in memory: tar streams (ustar + pax), gzip and zstd wrappers, and OCI
// layouts in a MemoryStore. Written independently of the code under test: the tar writer
// follows POSIX ustar/pax directly, compression goes through zlib and libzstd.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "layerscope/analysis.h"
#include "source/memory_store.h"

namespace lstest {

class TarBuilder {
 public:
  TarBuilder& file(const std::string& path, const std::string& content, uint32_t mode = 0644, uint32_t uid = 0);
  TarBuilder& dir(const std::string& path, uint32_t mode = 0755);
  TarBuilder& symlink(const std::string& path, const std::string& target);
  TarBuilder& hardlink(const std::string& path, const std::string& target);
  TarBuilder& whiteout(const std::string& path);  // ".wh." + basename in the same directory
  TarBuilder& opaque(const std::string& dir);     // dir/.wh..wh..opq
  TarBuilder& raw_entry(const std::string& path, char type, const std::string& data, uint64_t size_field);
  // Ends the archive with two zero blocks (and pads to a 10240-byte record when asked).
  std::string finish(bool pad_record = false) const;
  const std::string& bytes() const { return out_; }

 private:
  void header(const std::string& path, char type, uint64_t size, uint32_t mode, uint32_t uid,
              const std::string& link);
  std::string out_;
};

std::string gzip(const std::string& data);
std::string zstd(const std::string& data);
std::string sha256_hex(const std::string& data);

struct LayerSpec {
  std::string tar;                                       // uncompressed
  std::string compression = "none";                      // none | gzip | zstd
  std::string media_type;                                // "" = derived from compression
  std::string created_by = "/bin/sh -c true";
};

// An OCI image layout in memory: index.json, oci-layout, manifest, config, layer blobs.
struct OciImage {
  layerscope::MemoryStore store;
  std::vector<std::string> layer_digests;
  std::string config_digest;
  std::string manifest_digest;
};

void build_oci(OciImage& img, const std::vector<LayerSpec>& layers, const std::string& config_extra_json = "");

// The whole pipeline (analyze_opened) on an image built in memory; the store is copied, so
// the same image can be analysed again.
layerscope::Analysis analyze_oci(const OciImage& img, const layerscope::AnalyzeOptions& options);

}  // namespace lstest

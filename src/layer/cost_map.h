// Compressed-cost attribution. While a layer decompresses, (uncompressed offset, compressed
// offset) checkpoints are recorded every 32 KiB of output; a position in the tar stream then
// maps to an estimated position in the blob by linear interpolation between checkpoints.
// Each entry is charged the compressed bytes of its byte range in the tar (headers, data,
// padding), so the per-entry estimates telescope: they plus the end-of-archive share add up
// to the blob size exactly. Within a 32 KiB window the split is proportional, which is why
// the figures are estimates (and are labelled so).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "decode/byte_source.h"

namespace layerscope {

using Checkpoints = std::vector<std::pair<uint64_t, uint64_t>>;  // (uncompressed, compressed)

class CheckpointTee : public ByteSource {
 public:
  CheckpointTee(Decoder& decoder, Checkpoints& points) : decoder_(decoder), points_(points) {}
  size_t read(uint8_t* buf, size_t cap) override;

 private:
  static constexpr uint64_t kSpacing = 32 * 1024;
  Decoder& decoder_;
  Checkpoints& points_;
  uint64_t out_ = 0;
  uint64_t last_ = 0;
};

class CostMap {
 public:
  CostMap(const Checkpoints& points, uint64_t tar_bytes, uint64_t blob_bytes);
  uint64_t at(uint64_t uncompressed_offset) const;  // monotonic, at(0) = 0, at(tar) = blob

 private:
  Checkpoints points_;
};

}  // namespace layerscope

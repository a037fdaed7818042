// The one way a layer's decoder is driven: into whole buffers of kStageChunkBytes, each read
// asking for all the room that is left. Compressed-cost checkpoints are taken between decoder
// reads, and a decoder's position after a read depends on the sizes it was asked for, so the
// call pattern must not depend on who is reading. The async stage (AsyncSource, -j2 and up)
// and the synchronous ChunkSource (-j1) both fill through fill_chunk(): the same bytes give
// the same checkpoints, and the same report, at any job count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "decode/byte_source.h"
#include "decode/stage_buffers.h"

namespace layerscope {

inline constexpr size_t kStageChunkBytes = size_t{1} << 20;

// Reads from `src` until `cap` bytes or the end; sets `eof` when the stream ended.
size_t fill_chunk(ByteSource& src, uint8_t* buf, size_t cap, bool& eof);

// A one-buffer, same-thread stage: fills its buffer with fill_chunk() and lends it.
class ChunkSource : public ByteSource {
 public:
  explicit ChunkSource(ByteSource& upstream, size_t buffer_size = kStageChunkBytes);
  size_t read(uint8_t* buf, size_t cap) override;
  bool can_borrow() const override { return true; }
  size_t borrow(const uint8_t** data, size_t cap) override;

 private:
  bool next_chunk();

  ByteSource& upstream_;
  StageBuffer data_;  // not a vector: no zero-fill of bytes about to be written
  size_t capacity_;
  size_t size_ = 0;
  size_t pos_ = 0;
  bool eof_ = false;
};

}  // namespace layerscope

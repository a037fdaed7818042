#include "decode/stage_buffers.h"

#include <mutex>
#include <vector>

#include "decode/chunk_source.h"

namespace layerscope {

namespace {

// Enough for two concurrent layer jobs' rings (2 stages x 4 buffers each) with room to spare;
// beyond it buffers are freed as before.
constexpr size_t kMaxPooled = 24;

struct Pool {
  std::mutex mu;
  std::vector<uint8_t*> free;
  ~Pool() {
    for (uint8_t* p : free) delete[] p;
  }
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

void StageBufferReturn::operator()(uint8_t* p) const {
  if (!p) return;
  if (size == kStageChunkBytes) {
    Pool& pl = pool();
    std::lock_guard<std::mutex> lock(pl.mu);
    if (pl.free.size() < kMaxPooled) {
      pl.free.push_back(p);
      return;
    }
  }
  delete[] p;
}

void release_stage_buffers() {
  std::vector<uint8_t*> drop;
  {
    Pool& pl = pool();
    std::lock_guard<std::mutex> lock(pl.mu);
    drop.swap(pl.free);
  }
  for (uint8_t* p : drop) delete[] p;
}

size_t pooled_stage_buffers() {
  Pool& pl = pool();
  std::lock_guard<std::mutex> lock(pl.mu);
  return pl.free.size();
}

StageBuffer make_stage_buffer(size_t size) {
  if (size == kStageChunkBytes) {
    Pool& pl = pool();
    std::lock_guard<std::mutex> lock(pl.mu);
    if (!pl.free.empty()) {
      uint8_t* p = pl.free.back();
      pl.free.pop_back();
      return StageBuffer(p, StageBufferReturn{size});
    }
  }
  return StageBuffer(new uint8_t[size], StageBufferReturn{size});
}

}  // namespace layerscope

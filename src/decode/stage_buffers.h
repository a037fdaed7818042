// Buffers for the pipeline stages (the async rings and the -j1 chunk stage), recycled across
// layer jobs. A fresh 1 MiB buffer costs 256 page faults on first touch, and every layer job
// used to get fresh ones (glibc hands big blocks back to the kernel on free): on a six-layer
// image that was ~15,000 faults, about 2 % of the CPU time. The pool keeps what the busiest
// moment needed while layers are indexed; release_stage_buffers() empties it when they are
// done, so the merge that follows does not carry them on top of its own peak.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace layerscope {

struct StageBufferReturn {
  size_t size = 0;
  void operator()(uint8_t* p) const;
};
using StageBuffer = std::unique_ptr<uint8_t[], StageBufferReturn>;

// Uninitialised bytes (every stage writes before it reads); pooled when `size` is
// kStageChunkBytes, plain new[] otherwise.
StageBuffer make_stage_buffer(size_t size);

// Frees the pooled buffers (those in use are freed when their owners let go).
void release_stage_buffers();

// How many buffers the pool holds now (for tests and --stats-style diagnostics).
size_t pooled_stage_buffers();

}  // namespace layerscope

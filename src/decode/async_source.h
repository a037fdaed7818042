// Runs an upstream ByteSource on its own thread and hands its output over through a small
// ring of buffers, so the stages of one layer's pipeline (read + sha256 of the blob, inflate,
// sha256 + tar + content hashing) run on different cores. Memory stays bounded at
// `buffers * buffer_size`; an exception upstream resurfaces in the consumer's read().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "decode/byte_source.h"
#include "decode/chunk_source.h"
#include "decode/stage_buffers.h"

namespace layerscope {

class AsyncSource : public ByteSource {
 public:
  // `upstream` must outlive this object. The thread starts at construction.
  AsyncSource(ByteSource& upstream, size_t buffer_size = kStageChunkBytes, size_t buffers = 4);
  ~AsyncSource() override;
  AsyncSource(const AsyncSource&) = delete;
  AsyncSource& operator=(const AsyncSource&) = delete;

  size_t read(uint8_t* buf, size_t cap) override;
  bool can_borrow() const override { return true; }
  size_t borrow(const uint8_t** data, size_t cap) override;

 private:
  bool next_chunk();  // makes `current_` a chunk with unread bytes; false at the end
  struct Chunk {
    // Not a vector: zero-filling every buffer up front cost a measurable slice of start-up
    // time before the first byte was decoded; the producer writes each page before use.
    StageBuffer data;
    size_t capacity = 0;
    size_t size = 0;
  };
  void produce();

  ByteSource& upstream_;
  std::mutex mu_;
  std::condition_variable ready_cv_, free_cv_;
  std::deque<std::unique_ptr<Chunk>> ready_;
  std::vector<std::unique_ptr<Chunk>> free_;
  std::unique_ptr<Chunk> current_;
  size_t current_pos_ = 0;
  bool done_ = false;       // producer reached the end (or failed)
  bool cancelled_ = false;  // consumer went away
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace layerscope

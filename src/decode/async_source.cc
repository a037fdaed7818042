#include "decode/async_source.h"

#include <cstring>

namespace layerscope {

AsyncSource::AsyncSource(ByteSource& upstream, size_t buffer_size, size_t buffers) : upstream_(upstream) {
  for (size_t i = 0; i < buffers; ++i) {
    auto c = std::make_unique<Chunk>();
    c->data = make_stage_buffer(buffer_size);
    c->capacity = buffer_size;
    free_.push_back(std::move(c));
  }
  thread_ = std::thread([this] { produce(); });
}

AsyncSource::~AsyncSource() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  free_cv_.notify_all();
  thread_.join();
}

void AsyncSource::produce() {
  try {
    for (;;) {
      std::unique_ptr<Chunk> chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        free_cv_.wait(lock, [&] { return !free_.empty() || cancelled_; });
        if (cancelled_) return;
        chunk = std::move(free_.back());
        free_.pop_back();
      }
      // Fill the whole buffer: fewer, larger hand-overs keep the locking cost negligible, and
      // fill_chunk() drives a decoder exactly as the -j1 path does (see chunk_source.h).
      bool eof = false;
      chunk->size = fill_chunk(upstream_, chunk->data.get(), chunk->capacity, eof);
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (chunk->size) ready_.push_back(std::move(chunk));
        if (eof) done_ = true;
      }
      ready_cv_.notify_one();
      if (eof) return;
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::current_exception();
    done_ = true;
    ready_cv_.notify_one();
  }
}

bool AsyncSource::next_chunk() {
  if (current_ && current_pos_ < current_->size) return true;
  std::unique_lock<std::mutex> lock(mu_);
  if (current_) {
    free_.push_back(std::move(current_));
    free_cv_.notify_one();
  }
  ready_cv_.wait(lock, [&] { return !ready_.empty() || done_; });
  if (ready_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  current_ = std::move(ready_.front());
  ready_.pop_front();
  current_pos_ = 0;
  return true;
}

size_t AsyncSource::read(uint8_t* buf, size_t cap) {
  if (cap == 0 || !next_chunk()) return 0;
  size_t n = std::min(cap, current_->size - current_pos_);
  std::memcpy(buf, current_->data.get() + current_pos_, n);
  current_pos_ += n;
  return n;
}

// The borrowed bytes stay in `current_`, which goes back to the producer only on the next
// call, so they remain valid exactly as long as borrow() promises.
size_t AsyncSource::borrow(const uint8_t** data, size_t cap) {
  if (cap == 0 || !next_chunk()) return 0;
  size_t n = std::min(cap, current_->size - current_pos_);
  *data = current_->data.get() + current_pos_;
  current_pos_ += n;
  return n;
}

}  // namespace layerscope

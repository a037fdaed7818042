// Watching an analysis while it runs: phases, layers, bytes. The library calls a
// ProgressObserver at a few points and never prints; the CLI turns the calls into a progress
// line and the `--stats` table (both on stderr), so the report itself never changes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "layerscope/types.h"

namespace layerscope {

// What one layer job cost, reported when the layer is done.
struct LayerStats {
  std::string digest;            // blob digest as stored ("" when unknown)
  Compression compression = Compression::kNone;
  uint64_t compressed_bytes = 0;  // the blob
  uint64_t tar_bytes = 0;         // the uncompressed tar stream
  double seconds = 0;             // wall time of the job, or of the indexing while the archive streamed
  bool from_cache = false;        // the index came from the layer cache: the blob was not read
  bool streamed = false;          // indexed while a compressed archive streamed by (phase "open")
};

// Layer callbacks come from the layer jobs' threads at once (and layer_bytes also from the
// read-ahead stage's thread), so implementations must be thread-safe. They must be cheap and
// must not throw: bytes are reported in batches of a few MiB, not per read.
class ProgressObserver {
 public:
  virtual ~ProgressObserver() = default;
  // Named steps of the run ("open", "config", "index", …), never nested.
  virtual void phase_begin(const std::string& name) {}
  virtual void phase_end(const std::string& name, double seconds) {}
  // Before any layer job starts: how many layers, and the sum of their blob sizes when every
  // size is known (manifests give them; a streamed docker-save may not).
  virtual void layers_begin(size_t layers, std::optional<uint64_t> compressed_total) {}
  virtual void layer_begin(size_t index, const std::string& label, std::optional<uint64_t> compressed_size) {}
  // Blob bytes read since the last call for this layer; they add up to the blob's size
  // (a cache hit reads none).
  virtual void layer_bytes(size_t index, uint64_t delta) {}
  // Once per layer that succeeded.
  virtual void layer_end(size_t index, const LayerStats& stats) {}
  // Member bytes of a compressed archive streamed while the input is opened, before its
  // layers are known (each layer's figures come again with layer_end).
  virtual void archive_bytes(uint64_t delta) {}
};

// Times consecutive phases: next("merge") ends the running phase and begins the next one;
// the last one ends with end() or the destructor. Does nothing without an observer.
class PhaseClock {
 public:
  explicit PhaseClock(ProgressObserver* observer) : observer_(observer) {}
  ~PhaseClock() { end(); }
  PhaseClock(const PhaseClock&) = delete;
  PhaseClock& operator=(const PhaseClock&) = delete;

  void next(const std::string& name) {
    end();
    if (!observer_) return;
    name_ = name;
    start_ = std::chrono::steady_clock::now();
    observer_->phase_begin(name_);
  }
  void end() {
    if (!observer_ || name_.empty()) return;
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start_;
    observer_->phase_end(name_, took.count());
    name_.clear();
  }

 private:
  ProgressObserver* observer_;
  std::string name_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace layerscope

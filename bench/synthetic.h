// Deterministic inputs for the micro-benchmarks, generated in-process from fixed seeds (no
// files): a layer tar with many small files and a few large ones, a stack of indexed layers
// with overwrites, whiteouts and opaque directories, and a 1 MiB buffer to hash. Only the raw
// output of std::mt19937_64 is used (the standard fixes it bit for bit, unlike the
// distributions), so every build and machine measures the same bytes. Each input is built on
// first use and kept for the rest of the run. The tars are written by the unit tests' ustar
// writer (tests/support/image_builder.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "layerscope/layer_index.h"

namespace lsbench {

// The tar of the tar-reader and indexer benchmarks (31,077,888 bytes, 5,356 entries):
// 5,000 files of 0-4 KiB of text-like content in 100 directories, 250 symlinks, and 4 files
// of 4 MiB made of 4 KiB blocks, each either text or random bytes (so gzip and zstd see
// something like binaries).
const std::string& layer_tar();

// 9 layers of about 5,000 entries each (45,044 in all), as index_layer returns them. Layer 0
// is a base of 100 directories of files; each later layer whites out 100 lower files (every
// other layer also a whole lower directory), makes one lower directory opaque and puts new
// files in it, overwrites 1,000 lower files (a few twice: duplicate entries) and adds 3,900
// entries in directories of its own.
struct LayerStack {
  std::vector<layerscope::LayerIndex> layers;
  std::vector<const layerscope::LayerIndex*> pointers;  // what merge_layers takes
  uint64_t entries = 0;                                 // Σ kept entries of every layer
};
const LayerStack& layer_stack();

// 1 MiB of random bytes.
const std::string& mebibyte();

}  // namespace lsbench

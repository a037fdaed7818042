// The accounting invariant (DESIGN.md), checked on every report a test produces:
// per layer, file bytes + labelled overhead == tar bytes, added + modified == the layer's
// files; the layers add up to the totals; the final tree never holds more than was shipped.
#pragma once

#include <gtest/gtest.h>

#include "layerscope/analysis.h"

namespace lstest {

inline void expect_accounting(const layerscope::Analysis& a) {
  uint64_t compressed = 0, tar = 0, content = 0;
  for (const auto& l : a.layers) {
    EXPECT_EQ(l.content_bytes + l.overhead.tar_headers + l.overhead.tar_padding + l.overhead.tar_end +
                  l.overhead.other_data,
              l.tar_bytes)
        << "layer " << l.index;
    EXPECT_EQ(l.added.files + l.modified.files, l.files) << "layer " << l.index;
    EXPECT_EQ(l.added.bytes + l.modified.bytes, l.content_bytes) << "layer " << l.index;
    uint64_t charged = 0;
    for (const auto& e : a.indexes[l.index].entries) charged += e.compressed_est;
    EXPECT_EQ(charged + l.overhead.compressed_est, l.compressed_bytes) << "layer " << l.index << " compressed estimates";
    compressed += l.compressed_bytes;
    tar += l.tar_bytes;
    content += l.content_bytes;
  }
  EXPECT_EQ(a.totals.layers, a.layers.size());
  EXPECT_EQ(a.totals.compressed_bytes, compressed);
  EXPECT_EQ(a.totals.tar_bytes, tar);
  EXPECT_EQ(a.totals.content_bytes, content);
  EXPECT_LE(a.totals.final_bytes, a.totals.content_bytes);
  // Every regular-file byte shipped is either visible in the final tree or reclaimable (hidden
  // by a later entry), never both and never twice: two independent routes to the same split.
  EXPECT_EQ(a.efficiency.reclaimable_bytes + a.totals.final_bytes, a.totals.content_bytes);
  // The origin split and the per-instruction list cover every byte exactly once.
  const auto& t = a.totals;
  EXPECT_EQ(t.base_content_bytes + t.own_content_bytes + t.unknown_content_bytes, t.content_bytes);
  EXPECT_EQ(t.base_compressed_bytes + t.own_compressed_bytes + t.unknown_compressed_bytes, t.compressed_bytes);
  uint64_t by_instruction = 0;
  size_t layers_listed = 0;
  for (const auto& i : a.instructions) {
    by_instruction += i.content_bytes;
    layers_listed += i.layers.size();
  }
  EXPECT_EQ(by_instruction, t.content_bytes);
  EXPECT_EQ(layers_listed, a.layers.size());
}

}  // namespace lstest

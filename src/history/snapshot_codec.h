// The `detail` column of a snapshot row: everything below the totals (layers, instructions,
// directories, findings) as one JSON document with its own format version "v". Scalars that
// queries filter or sort on are columns; the detail is only read back whole.
#pragma once

#include <string>
#include <string_view>

#include "layerscope/history.h"

namespace layerscope {

inline constexpr int kSnapshotDetailVersion = 1;

std::string encode_snapshot_detail(const Snapshot& snapshot);

// Fills the detail fields of `into`. Throws Error(kFormat) naming `what` when the document is
// not a detail this version can read.
void decode_snapshot_detail(std::string_view text, Snapshot& into, const std::string& what);

}  // namespace layerscope

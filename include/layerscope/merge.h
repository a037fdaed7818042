// Replaying layers in order (OCI image-spec layer.md, "Applying Changesets"):
//   * per layer, whiteouts apply first and only to the layers below: ".wh.NAME" removes NAME
//     and its subtree, "DIR/.wh..wh..opq" removes everything the lower layers had in DIR;
//   * then the layer's other entries apply in tar order: missing parents are created, a
//     directory over a directory keeps its children, anything else replaces what was there
//     (a directory replaced by a file loses its subtree).
// Each regular-file entry is "modified" when its path existed in the tree of the layers
// below (before this layer's whiteouts), else "added"; "deleted" counts the lower regular
// files this layer's whiteouts and opaque markers hide. Every lower entry that stops being
// visible is recorded once as a Shadow: that is what later waste analysis is built from.
#pragma once

#include <cstdint>
#include <vector>

#include "layerscope/layer_index.h"
#include "layerscope/tree.h"

namespace layerscope {

struct ChangeCount {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

enum class FileStatus : uint8_t { kNone = 0, kAdded = 1, kModified = 2 };

enum class ShadowReason : uint8_t {
  kOverwritten,  // replaced by an entry of a later layer at the same path
  kDeleted,      // removed by a whiteout or opaque marker of a later layer
  kReplaced,     // lost because a later layer put a different kind of node above it
  kDuplicate,    // the same path appears again later in the same layer
};

const char* shadow_reason_name(ShadowReason r);

struct Shadow {
  uint32_t layer;     // the entry that stopped being visible
  uint32_t entry;
  int32_t by_layer;   // the layer that hid it
  int32_t by_entry;   // the entry that hid it (the marker for kDeleted)
  ShadowReason reason;
};

struct LayerChanges {
  ChangeCount added, modified, deleted;
  std::vector<FileStatus> file_status;  // per entry of the layer
};

struct MergeResult {
  MergedTree tree;
  std::vector<LayerChanges> layers;
  std::vector<Shadow> shadows;  // in layer order, then entry order
  std::vector<Diagnostic> diagnostics;
};

MergeResult merge_layers(const std::vector<const LayerIndex*>& layers);

}  // namespace layerscope

#include "layerscope/layer_index.h"

namespace layerscope {

const char* entry_kind_name(EntryKind kind) {
  switch (kind) {
    case EntryKind::kFile: return "file";
    case EntryKind::kDir: return "directory";
    case EntryKind::kSymlink: return "symlink";
    case EntryKind::kHardlink: return "hardlink";
    case EntryKind::kDevice: return "device";
    case EntryKind::kFifo: return "fifo";
    case EntryKind::kWhiteout: return "whiteout";
    case EntryKind::kOpaque: return "opaque";
    case EntryKind::kOther: return "other";
  }
  return "?";
}

}  // namespace layerscope

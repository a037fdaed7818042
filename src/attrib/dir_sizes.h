// Bytes per directory at any depth, for the final tree and for one layer's own tar.
//
// A directory's size is the regular-file bytes of its whole subtree; hardlinks, symlinks,
// devices and whiteout markers count 0, as in the layer totals. Each directory also keeps the
// bytes of the files directly inside it ("own"), so children add up to their parent exactly:
//     bytes == own_bytes + Σ children[i].bytes     (and the same for file counts)
// on every directory. The root of a layer's tree equals LayerIndex::content_bytes /
// file_count (every file entry counts, a path written twice in one tar twice, because the tar
// ships both); the root of the final tree equals Totals::final_bytes / files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "layerscope/layer_index.h"
#include "layerscope/tree.h"

namespace layerscope {

struct DirSize {
  std::string name;            // "" for the root
  uint64_t bytes = 0;          // regular-file bytes of the subtree
  uint64_t files = 0;          // regular files in the subtree
  uint64_t own_bytes = 0;      // files directly in this directory
  uint64_t own_files = 0;
  std::vector<DirSize> children;  // subdirectories, ordered by name

  // "usr/lib" or "/usr/lib"; nullptr when there is no such directory.
  const DirSize* find(std::string_view path) const;
};

DirSize final_dir_sizes(const std::vector<LayerIndex>& indexes, const MergedTree& tree);
DirSize layer_dir_sizes(const LayerIndex& layer);

struct DirRow {
  std::string path;  // absolute: "/", "/usr", "/usr/lib"
  int depth = 0;     // below the starting directory (0 = the start itself)
  uint64_t bytes = 0, files = 0, own_bytes = 0, own_files = 0;
};

// The start directory and its subdirectories down to `max_depth` levels below it (0 = all),
// parents before children; siblings largest first (then by name) or by name.
std::vector<DirRow> dir_rows(const DirSize& start, std::string_view start_path, int max_depth, bool by_size);

}  // namespace layerscope

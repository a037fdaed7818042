// `layerscope du`: bytes per directory at any depth, for the final tree or one layer, as text
// (one line per directory, parents first) or JSON. Sizes come from attrib/dir_sizes.h, where
// children add up to their parent exactly.
#pragma once

#include <string>

#include "layerscope/analysis.h"

namespace layerscope {

struct DuOptions {
  int layer = -1;          // -1: the final tree; else what that layer's tar holds
  std::string path;        // start here ("" or "/" = the root)
  int depth = 2;           // levels below the start (0 = all)
  bool sort_by_size = true;
};

// Throw Error(kUsage) for a layer out of range or a path that is not a directory there.
std::string render_du_text(const Analysis& a, const DuOptions& options);
std::string render_du_json(const Analysis& a, const DuOptions& options);

}  // namespace layerscope

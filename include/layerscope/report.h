// Renderers: pure functions from an Analysis to text. JSON is the canonical machine form
// (schema in docs/report.schema.json); the text report and the HTML page are for people.
#pragma once

#include <string>

#include "layerscope/analysis.h"

namespace layerscope {

inline constexpr int kJsonSchemaVersion = 1;

std::string render_json(const Analysis& a);
std::string render_text(const Analysis& a);

struct TreeOptions {
  int layer = -1;          // -1: the final tree; else that layer's own changes
  std::string path;        // only below this path ("" or "/" = everything)
  int depth = 3;           // levels below the starting path to print (0 = unlimited)
  bool sort_by_size = true;
  size_t max_children = 0; // 0 = all; else the largest N per directory, the rest summarised
};

std::string render_tree(const Analysis& a, const TreeOptions& options);

// The self-contained HTML page (`analyze --format html`): inline CSS, no scripts, no external
// resources. Its filesystem tree is bounded so a huge image still gives a page a browser opens.
struct HtmlOptions {
  size_t max_children = 50;    // entries listed per directory (largest first)
  size_t max_nodes = 20'000;   // entries listed in the whole tree
};

std::string render_html(const Analysis& a);
std::string render_html(const Analysis& a, const HtmlOptions& options);

}  // namespace layerscope

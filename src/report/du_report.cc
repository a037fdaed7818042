#include "report/du_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "attrib/dir_sizes.h"
#include "layerscope/error.h"
#include "layerscope/report.h"
#include "report/text_util.h"
#include "util/path.h"
#include "util/units.h"

namespace layerscope {

namespace {

struct View {
  DirSize root;
  const DirSize* start = nullptr;
  std::string start_path;  // "/usr/lib"
  std::string title;
};

View view(const Analysis& a, const DuOptions& o) {
  View v;
  if (o.layer >= 0) {
    if (o.layer >= static_cast<int>(a.indexes.size())) {
      throw Error(ErrorKind::kUsage, "--layer " + std::to_string(o.layer) + ": the image has " +
                                         std::to_string(a.indexes.size()) + " layers (0.." +
                                         std::to_string(static_cast<int>(a.indexes.size()) - 1) + ")");
    }
    v.root = layer_dir_sizes(a.indexes[o.layer]);
    v.title = "layer " + std::to_string(o.layer) + ": " + a.layers[o.layer].instruction;
  } else {
    v.root = final_dir_sizes(a.indexes, a.merged.tree);
    v.title = "final filesystem";
  }
  v.start_path = "/" + clean_entry_path(o.path).path;
  v.start = v.root.find(o.path);
  if (!v.start) throw Error(ErrorKind::kUsage, "--path " + v.start_path + ": no such directory in this tree");
  return v;
}

}  // namespace

std::string render_du_text(const Analysis& a, const DuOptions& o) {
  View v = view(a, o);
  std::string out = fmt::format("{} ({}): {} in {} files\n", a.image.reference, fit(v.title, 100),
                                human_bytes(v.start->bytes), group_thousands(v.start->files));
  out += fmt::format("{:>10} {:>7} {:>11}  {}\n", "size", "share", "files", "directory");
  for (const auto& r : dir_rows(*v.start, v.start_path, o.depth, o.sort_by_size)) {
    out += fmt::format("{:>10} {:>7} {:>11}  {}\n", human_bytes(r.bytes), percent(r.bytes, v.start->bytes),
                       group_thousands(r.files), r.path);
  }
  return out;
}

std::string render_du_json(const Analysis& a, const DuOptions& o) {
  using json = nlohmann::ordered_json;
  View v = view(a, o);
  json j;
  j["schema_version"] = kJsonSchemaVersion;
  j["image"] = a.image.reference;
  j["layer"] = o.layer;
  j["path"] = v.start_path;
  j["depth"] = o.depth;
  json rows = json::array();
  for (const auto& r : dir_rows(*v.start, v.start_path, o.depth, o.sort_by_size)) {
    rows.push_back({{"path", r.path},
                    {"depth", r.depth},
                    {"bytes", r.bytes},
                    {"files", r.files},
                    {"own_bytes", r.own_bytes},
                    {"own_files", r.own_files}});
  }
  j["directories"] = rows;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

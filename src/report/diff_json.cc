// The machine form of `layerscope diff`. Fixed key order, integer bytes, every delta NEW
// minus OLD; `old`/`new` carry the identity and the totals of each image, `delta` their
// differences. The directory tree is cut at `depth` and the file list at `max_files` exactly
// like the text form; `files.summary` always counts every changed file.
#include <nlohmann/json.hpp>

#include "layerscope/diff.h"
#include "layerscope_version.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

json side_json(const ImageSide& s) {
  const Totals& t = s.totals;
  return json{{"reference", s.reference},
              {"name", s.name},
              {"platform", s.platform},
              {"manifest_digest", s.manifest_digest},
              {"config_digest", s.config_digest},
              {"layers", t.layers},
              {"compressed_bytes", t.compressed_bytes},
              {"tar_bytes", t.tar_bytes},
              {"content_bytes", t.content_bytes},
              {"final_bytes", t.final_bytes},
              {"files", t.files}};
}

json path_deltas(const std::vector<PathDelta>& v) {
  json arr = json::array();
  for (const auto& p : v) {
    arr.push_back({{"path", p.path}, {"old_bytes", p.old_bytes}, {"new_bytes", p.new_bytes}, {"delta", p.delta}});
  }
  return arr;
}

json layer_json(const LayerDelta& l) {
  json j;
  j["change"] = layer_change_name(l.change);
  j["old_index"] = l.old_index >= 0 ? json(l.old_index) : json(nullptr);
  j["new_index"] = l.new_index >= 0 ? json(l.new_index) : json(nullptr);
  j["old_diff_id"] = l.old_diff_id;
  j["new_diff_id"] = l.new_diff_id;
  j["old_instruction"] = l.old_instruction;
  j["new_instruction"] = l.new_instruction;
  j["source"] = l.source;
  j["old_content_bytes"] = l.old_content_bytes;
  j["new_content_bytes"] = l.new_content_bytes;
  j["content_delta"] = l.content_delta;
  j["old_compressed_bytes"] = l.old_compressed_bytes;
  j["new_compressed_bytes"] = l.new_compressed_bytes;
  j["compressed_delta"] = l.compressed_delta;
  j["directories"] = path_deltas(l.dirs);
  return j;
}

json dir_json(const DirDeltaNode& n, int depth, int limit) {
  json j;
  j["path"] = n.path;
  j["old_bytes"] = n.old_bytes;
  j["new_bytes"] = n.new_bytes;
  j["delta"] = n.delta;
  j["old_files"] = n.old_files;
  j["new_files"] = n.new_files;
  j["changed_files"] = n.changed_files;
  json children = json::array();
  if (limit <= 0 || depth < limit) {
    for (const auto& c : n.children) children.push_back(dir_json(c, depth + 1, limit));
  }
  j["children"] = std::move(children);
  return j;
}

json tally_json(const ChangeTally& t) { return json{{"files", t.files}, {"bytes", t.bytes}}; }

json finding_list(const std::vector<FindingRef>& v) {
  json arr = json::array();
  for (const auto& f : v) arr.push_back({{"rule", f.rule}, {"path", f.path}, {"bytes", f.bytes}});
  return arr;
}

}  // namespace

std::string render_diff_json(const ImageDiff& d, const DiffRenderOptions& o) {
  json j;
  j["schema_version"] = kDiffJsonSchemaVersion;
  j["kind"] = "diff";
  j["tool"] = {{"name", "layerscope"}, {"version", LAYERSCOPE_VERSION}};
  j["old"] = side_json(d.old_image);
  j["new"] = side_json(d.new_image);
  j["delta"] = {{"layers", d.delta.layers},
                {"compressed_bytes", d.delta.compressed_bytes},
                {"tar_bytes", d.delta.tar_bytes},
                {"content_bytes", d.delta.content_bytes},
                {"final_bytes", d.delta.final_bytes},
                {"files", d.delta.files}};
  j["shared_layers"] = d.shared_layers;
  json layers = json::array();
  for (const auto& l : d.layers) layers.push_back(layer_json(l));
  j["layers"] = std::move(layers);
  json instructions = json::array();
  for (const auto& in : d.instructions) {
    instructions.push_back({{"instruction", in.instruction},
                            {"old_layers", in.old_layers},
                            {"new_layers", in.new_layers},
                            {"old_content_bytes", in.old_content_bytes},
                            {"new_content_bytes", in.new_content_bytes},
                            {"content_delta", in.content_delta},
                            {"old_compressed_bytes", in.old_compressed_bytes},
                            {"new_compressed_bytes", in.new_compressed_bytes},
                            {"compressed_delta", in.compressed_delta}});
  }
  j["instructions"] = std::move(instructions);
  j["directories"] = dir_json(d.root, 0, o.depth);
  j["focus"] = path_deltas(d.focus);
  const FileChangeTotals& t = d.file_totals;
  size_t shown = o.max_files == 0 ? d.files.size() : std::min(o.max_files, d.files.size());
  json list = json::array();
  for (size_t i = 0; i < shown; ++i) {
    const FileDelta& f = d.files[i];
    list.push_back({{"path", f.path},
                    {"change", file_change_name(f.change)},
                    {"old_bytes", f.old_bytes},
                    {"new_bytes", f.new_bytes},
                    {"delta", f.delta},
                    {"old_layer", f.old_layer >= 0 ? json(f.old_layer) : json(nullptr)},
                    {"new_layer", f.new_layer >= 0 ? json(f.new_layer) : json(nullptr)}});
  }
  j["files"] = {{"summary",
                 {{"added", tally_json(t.added)},
                  {"removed", tally_json(t.removed)},
                  {"grown", tally_json(t.grown)},
                  {"shrunk", tally_json(t.shrunk)},
                  {"modified", tally_json(t.modified)}}},
                {"total", d.files.size()},
                {"shown", shown},
                {"list", std::move(list)}};
  j["findings"] = {{"compared", d.findings_compared},
                   {"appeared", finding_list(d.findings_appeared)},
                   {"disappeared", finding_list(d.findings_disappeared)}};
  if (d.budget) {
    j["budget"] = {{"limit_bytes", d.budget->limit_bytes},
                   {"content_bytes", d.budget->content_bytes},
                   {"exceeded", d.budget->exceeded}};
  } else {
    j["budget"] = nullptr;
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

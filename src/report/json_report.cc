// The canonical JSON report. Key order is fixed (nlohmann::ordered_json keeps insertion
// order), sizes are integer bytes, and nothing depends on the host or the clock, so the same
// image gives the same bytes at any -j. docs/report.schema.json documents every field.
#include <cmath>

#include <nlohmann/json.hpp>

#include "layerscope/report.h"
#include "layerscope_version.h"
#include "report/config_json.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

// Dockerfile lines are 1-based; "unknown" is null rather than a magic number.
json line_or_null(int line) { return line > 0 ? json(line) : json(nullptr); }

json count_json(const ChangeCount& c) { return json{{"files", c.files}, {"bytes", c.bytes}}; }

json image_json(const ImageInfo& im) {
  json cfg = image_config_json(im.config, false);
  json j;
  j["reference"] = im.reference;
  j["transport"] = im.transport;
  j["layout"] = im.layout;
  j["name"] = im.name;
  j["available"] = im.available;
  j["platform"] = im.platform;
  j["manifest_digest"] = im.manifest_digest;
  j["config_digest"] = im.config_digest;
  j["config"] = cfg;
  return j;
}

json layer_json(const LayerReport& l) {
  json j;
  j["index"] = l.index;
  j["digest"] = l.digest;
  j["diff_id"] = l.diff_id;
  j["media_type"] = l.media_type;
  j["compression"] = compression_name(l.compression);
  j["compressed_bytes"] = l.compressed_bytes;
  j["tar_bytes"] = l.tar_bytes;
  j["content_bytes"] = l.content_bytes;
  j["entries"] = l.entries;
  j["files"] = l.files;
  j["added"] = count_json(l.added);
  j["modified"] = count_json(l.modified);
  j["deleted"] = count_json(l.deleted);
  j["overhead"] = {{"tar_headers", l.overhead.tar_headers},
                   {"tar_padding", l.overhead.tar_padding},
                   {"tar_end", l.overhead.tar_end},
                   {"other_data", l.overhead.other_data},
                   {"compressed_bytes_est", l.overhead.compressed_est}};
  j["created_by"] = l.created_by;
  j["instruction"] = l.instruction;
  j["history_index"] = l.history_index;
  j["dockerfile_line"] = line_or_null(l.dockerfile_line);
  j["dockerfile_last_line"] = line_or_null(l.dockerfile_last_line);
  j["origin"] = l.origin;
  j["verified"] = l.verified;
  return j;
}

json attribution_json(const Analysis& a) {
  const Attribution& at = a.attribution;
  json j{{"method", at.method},         {"rule", at.rule},
         {"dockerfile", at.dockerfile}, {"base_image", at.base_image},
         {"from_line", at.from_line},   {"base_layers", at.base_layers},
         {"own_layers", at.own_layers}, {"unknown_layers", at.unknown_layers}};
  return j;
}

json instructions_json(const Analysis& a) {
  json arr = json::array();
  for (const auto& i : a.instructions) {
    arr.push_back({{"instruction", i.instruction},
                   {"dockerfile_line", line_or_null(i.dockerfile_line)},
                   {"dockerfile_last_line", line_or_null(i.dockerfile_last_line)},
                   {"origin", i.origin},
                   {"layers", i.layers},
                   {"content_bytes", i.content_bytes},
                   {"compressed_bytes", i.compressed_bytes},
                   {"added_bytes", i.added_bytes}});
  }
  return arr;
}

json path_list(const std::vector<PathBytes>& v, bool with_layer) {
  json arr = json::array();
  for (const auto& p : v) {
    json j{{"path", p.path}, {"bytes", p.bytes}, {"compressed_bytes_est", p.compressed_est}};
    if (with_layer) j["layer"] = p.layer;
    else j["files"] = p.files;
    arr.push_back(j);
  }
  return arr;
}

json findings_json(const std::vector<Finding>& findings) {
  json arr = json::array();
  for (const auto& f : findings) {
    json paths = json::array();
    for (const auto& p : f.paths) {
      json jp{{"path", p.path}, {"bytes", p.bytes}, {"layer", p.layer}};
      if (!p.note.empty()) jp["note"] = p.note;
      paths.push_back(jp);
    }
    json j;
    j["rule"] = f.rule;
    j["severity"] = severity_name(f.severity);
    j["layer"] = f.layer;
    j["instruction"] = f.instruction;
    j["dockerfile_line"] = line_or_null(f.dockerfile_line);
    j["message"] = f.message;
    j["paths"] = paths;
    j["path_count"] = f.path_count;
    j["bytes"] = f.bytes;
    j["compressed_bytes_est"] = f.compressed_bytes_est;
    j["savings_bytes"] = f.savings_bytes;
    j["fix"] = f.fix;
    arr.push_back(j);
  }
  return arr;
}

json budget_json(const BudgetProjection& b) {
  return {{"size", "content"},
          {"budget_bytes", b.budget_bytes},
          {"current_bytes", b.current_bytes},
          {"savings_bytes", b.savings_bytes},
          {"projected_bytes", b.projected_bytes},
          {"fits_now", b.fits_now},
          {"fits_after_fixes", b.fits_after_fixes}};
}

json dockerignore_json(const std::vector<IgnoreSuggestion>& v) {
  json arr = json::array();
  for (const auto& s : v) {
    arr.push_back({{"pattern", s.pattern}, {"bytes", s.bytes}, {"files", s.files}, {"layers", s.layers}, {"reason", s.reason}});
  }
  return arr;
}

// JSON has no NaN or infinities. dive's user wasted percent is NaN for 0/0 (no user bytes and
// no waste: null) and +Inf for x/0 (waste but no user bytes: the string "+Inf"); finite values
// print as the shortest text that reads back as the same float64.
json float_json(double v) {
  if (std::isnan(v)) return nullptr;
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return v;
}

// Key order is part of the contract (tests/conformance/compare.py --dive, docs/dive-compat.md).
json efficiency_json(const Efficiency& e) {
  json paths = json::array();
  for (const auto& p : e.inefficient_paths) {
    paths.push_back({{"path", p.path}, {"cumulative_bytes", p.cumulative_bytes}, {"count", p.count}});
  }
  json j;
  j["score"] = float_json(e.score);
  j["wasted_bytes"] = e.wasted_bytes;
  j["user_wasted_percent"] = float_json(e.user_wasted_percent);
  j["reclaimable_bytes"] = e.reclaimable_bytes;
  j["image_bytes"] = e.image_bytes;
  j["user_bytes"] = e.user_bytes;
  j["layer_bytes"] = e.layer_bytes;
  j["inefficient_count"] = e.inefficient_paths.size();
  j["inefficient_paths"] = paths;
  return j;
}

}  // namespace

std::string render_json(const Analysis& a) {
  json j;
  j["schema_version"] = kJsonSchemaVersion;
  j["tool"] = {{"name", "layerscope"}, {"version", LAYERSCOPE_VERSION}};
  j["image"] = image_json(a.image);
  const Totals& t = a.totals;
  j["totals"] = {{"layers", t.layers},         {"compressed_bytes", t.compressed_bytes},
                 {"tar_bytes", t.tar_bytes},   {"content_bytes", t.content_bytes},
                 {"final_bytes", t.final_bytes}, {"files", t.files},
                 {"dirs", t.dirs},             {"symlinks", t.symlinks},
                 {"hardlinks", t.hardlinks},   {"other_entries", t.other}};
  // base + own + unknown == the total (docs/attribution.md).
  j["totals"]["base_content_bytes"] = t.base_content_bytes;
  j["totals"]["own_content_bytes"] = t.own_content_bytes;
  j["totals"]["unknown_content_bytes"] = t.unknown_content_bytes;
  j["totals"]["base_compressed_bytes"] = t.base_compressed_bytes;
  j["totals"]["own_compressed_bytes"] = t.own_compressed_bytes;
  j["totals"]["unknown_compressed_bytes"] = t.unknown_compressed_bytes;
  j["efficiency"] = efficiency_json(a.efficiency);
  json layers = json::array();
  for (const auto& l : a.layers) layers.push_back(layer_json(l));
  j["layers"] = layers;
  json history = json::array();
  for (const auto& h : a.image.config.history) {
    history.push_back({{"created_by", h.created_by}, {"empty_layer", h.empty_layer}, {"layer", h.layer}});
  }
  j["history"] = history;
  j["attribution"] = attribution_json(a);
  j["instructions"] = instructions_json(a);
  j["largest_directories"] = path_list(a.largest_dirs, false);
  j["largest_files"] = path_list(a.largest_files, true);
  j["findings"] = findings_json(a.findings);
  j["savings_bytes"] = a.savings_bytes;
  if (a.budget) j["budget"] = budget_json(*a.budget);
  j["dockerignore"] = dockerignore_json(a.dockerignore);
  json diags = json::array();
  for (const auto& d : a.diagnostics) {
    diags.push_back({{"code", d.code}, {"message", d.message}, {"layer", d.layer}, {"path", d.path}});
  }
  j["diagnostics"] = diags;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

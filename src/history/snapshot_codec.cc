// Detail format, version 1 (keys in this order, sizes as integer bytes):
//   {"v":1,
//    "layers":[{"diff_id","instruction","content_bytes","compressed_bytes"}…],   layer order
//    "instructions":[{"instruction","layers","content_bytes","compressed_bytes"}…],
//    "dir_min_bytes":N,
//    "dirs":[{"path","bytes","files"}…],                                        by path
//    "findings":[{"rule","count","bytes","savings_bytes"}…]}                    by rule
// A reader accepts unknown keys, so later versions may add fields without a migration;
// changing the meaning of a field requires a new "v".
#include "history/snapshot_codec.h"

#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "util/json.h"

namespace layerscope {

namespace {

using json = nlohmann::ordered_json;

uint64_t get_u64(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned()) {
    if (it != j.end() && it->is_number_integer() && it->get<int64_t>() >= 0) return it->get<uint64_t>();
    throw Error(ErrorKind::kFormat, std::string("field '") + key + "' is missing or not a non-negative integer");
  }
  return it->get<uint64_t>();
}

std::string get_str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) throw Error(ErrorKind::kFormat, std::string("field '") + key + "' is missing or not a string");
  return it->get<std::string>();
}

const json& get_array(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) throw Error(ErrorKind::kFormat, std::string("field '") + key + "' is missing or not an array");
  return *it;
}

}  // namespace

std::string encode_snapshot_detail(const Snapshot& s) {
  json j;
  j["v"] = kSnapshotDetailVersion;
  json layers = json::array();
  for (const auto& l : s.layer_sizes) {
    layers.push_back({{"diff_id", l.diff_id},
                      {"instruction", l.instruction},
                      {"content_bytes", l.content_bytes},
                      {"compressed_bytes", l.compressed_bytes}});
  }
  j["layers"] = std::move(layers);
  json instructions = json::array();
  for (const auto& in : s.instructions) {
    instructions.push_back({{"instruction", in.instruction},
                            {"layers", in.layers},
                            {"content_bytes", in.content_bytes},
                            {"compressed_bytes", in.compressed_bytes}});
  }
  j["instructions"] = std::move(instructions);
  j["dir_min_bytes"] = s.dir_min_bytes;
  json dirs = json::array();
  for (const auto& d : s.dirs) dirs.push_back({{"path", d.path}, {"bytes", d.bytes}, {"files", d.files}});
  j["dirs"] = std::move(dirs);
  json findings = json::array();
  for (const auto& f : s.findings) {
    findings.push_back({{"rule", f.rule}, {"count", f.count}, {"bytes", f.bytes}, {"savings_bytes", f.savings_bytes}});
  }
  j["findings"] = std::move(findings);
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void decode_snapshot_detail(std::string_view text, Snapshot& s, const std::string& what) {
  json j = parse_json(text, what);
  try {
    if (!j.is_object()) throw Error(ErrorKind::kFormat, "not a JSON object");
    uint64_t v = get_u64(j, "v");
    if (v != kSnapshotDetailVersion) {
      throw Error(ErrorKind::kFormat, "detail version " + std::to_string(v) + " is not one this layerscope reads (" +
                                          std::to_string(kSnapshotDetailVersion) + ")");
    }
    s.layer_sizes.clear();
    for (const auto& l : get_array(j, "layers")) {
      s.layer_sizes.push_back(
          {get_str(l, "diff_id"), get_str(l, "instruction"), get_u64(l, "content_bytes"), get_u64(l, "compressed_bytes")});
    }
    s.instructions.clear();
    for (const auto& in : get_array(j, "instructions")) {
      s.instructions.push_back({get_str(in, "instruction"), get_u64(in, "layers"), get_u64(in, "content_bytes"),
                                get_u64(in, "compressed_bytes")});
    }
    s.dir_min_bytes = get_u64(j, "dir_min_bytes");
    s.dirs.clear();
    for (const auto& d : get_array(j, "dirs")) s.dirs.push_back({get_str(d, "path"), get_u64(d, "bytes"), get_u64(d, "files")});
    s.findings.clear();
    for (const auto& f : get_array(j, "findings")) {
      s.findings.push_back({get_str(f, "rule"), get_u64(f, "count"), get_u64(f, "bytes"), get_u64(f, "savings_bytes")});
    }
  } catch (Error& e) {
    throw e.with_context(what);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kFormat, what + ": " + e.what());
  }
}

}  // namespace layerscope

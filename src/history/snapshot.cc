// make_snapshot(): an Analysis reduced to what a trend needs, small enough to keep one per
// build for years: totals, per-layer and per-instruction sizes, the significant directories
// of the final tree and a findings tally. Directories are kept by a size cut-off rather than
// a depth limit because the interesting ones are often deep
// (/usr/local/lib/python3.11/site-packages/torch); at 1% of the final size at most 100
// directories per depth can qualify, and a hard cap bounds pathological trees.
#include <algorithm>
#include <map>

#include "layerscope/error.h"
#include "layerscope/history.h"
#include "layerscope_version.h"

namespace layerscope {

namespace {

constexpr uint64_t kDirShareDivisor = 100;  // keep directories of at least 1% of the final size
constexpr size_t kMaxDirs = 500;

struct DirWalker {
  const std::vector<LayerIndex>& indexes;
  uint64_t min_bytes;
  std::vector<SnapshotDir> dirs;

  std::pair<uint64_t, uint64_t> walk(const TreeNode& node, const std::string& path) {
    uint64_t bytes = 0, files = 0;
    for (const auto& [name, child] : node.children) {
      if (child->kind == EntryKind::kFile) {
        bytes += indexes[child->layer].entries[child->entry].size;
        ++files;
      } else if (child->kind == EntryKind::kDir) {
        auto [b, f] = walk(*child, path + "/" + std::string(name));
        bytes += b;
        files += f;
      }
    }
    if (!path.empty() && bytes >= min_bytes) dirs.push_back({path, bytes, files});
    return {bytes, files};
  }
};

}  // namespace

std::string series_of(const ImageInfo& image) {
  std::string name = image.name;
  if (name.empty()) return image.reference;
  size_t at = name.find('@');
  if (at != std::string::npos) name.resize(at);
  size_t colon = name.rfind(':');
  size_t slash = name.rfind('/');
  // A colon after the last slash starts the tag; one before it belongs to a registry port.
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash) && colon > 0) name.resize(colon);
  return name;
}

std::pair<std::string, std::string> parse_label(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw Error(ErrorKind::kUsage, "--label: expected KEY=VALUE, got '" + std::string(text) + "'");
  }
  return {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

Snapshot make_snapshot(const Analysis& a, const SnapshotOptions& options) {
  Snapshot s;
  s.recorded_at = options.recorded_at.empty() ? current_timestamp() : normalize_timestamp(options.recorded_at);
  s.series = options.series.empty() ? series_of(a.image) : options.series;
  s.reference = a.image.reference;
  s.name = a.image.name;
  s.platform = a.image.platform;
  s.manifest_digest = a.image.manifest_digest;
  s.config_digest = a.image.config_digest;
  s.tool_version = LAYERSCOPE_VERSION;

  std::map<std::string, std::string> labels;
  for (const auto& [k, v] : options.labels) labels[k] = v;  // the last --label for a key wins
  s.labels.assign(labels.begin(), labels.end());

  const Totals& t = a.totals;
  s.layers = t.layers;
  s.compressed_bytes = t.compressed_bytes;
  s.tar_bytes = t.tar_bytes;
  s.content_bytes = t.content_bytes;
  s.final_bytes = t.final_bytes;
  s.files = t.files;

  std::map<std::string, SnapshotInstruction> by_text;
  for (const auto& l : a.layers) {
    s.layer_sizes.push_back({l.diff_id, l.instruction, l.content_bytes, l.compressed_bytes});
    SnapshotInstruction& in = by_text[l.instruction];
    in.instruction = l.instruction;
    ++in.layers;
    in.content_bytes += l.content_bytes;
    in.compressed_bytes += l.compressed_bytes;
  }
  for (auto& [text, in] : by_text) s.instructions.push_back(std::move(in));

  DirWalker w{a.indexes, std::max<uint64_t>(1, t.final_bytes / kDirShareDivisor), {}};
  w.walk(a.merged.tree.root(), "");
  s.dir_min_bytes = w.min_bytes;
  if (w.dirs.size() > kMaxDirs) {
    // Keep the largest; raise the cut-off past the first one dropped so the promise "every
    // directory of at least dir_min_bytes is listed" still holds.
    std::sort(w.dirs.begin(), w.dirs.end(), [](const SnapshotDir& x, const SnapshotDir& y) { return x.bytes > y.bytes; });
    s.dir_min_bytes = w.dirs[kMaxDirs].bytes + 1;
    w.dirs.erase(std::remove_if(w.dirs.begin(), w.dirs.end(),
                                [&](const SnapshotDir& d) { return d.bytes < s.dir_min_bytes; }),
                 w.dirs.end());
  }
  std::sort(w.dirs.begin(), w.dirs.end(), [](const SnapshotDir& x, const SnapshotDir& y) { return x.path < y.path; });
  s.dirs = std::move(w.dirs);

  std::map<std::string, FindingTally> tallies;
  for (const auto& f : a.findings) {
    FindingTally& ft = tallies[f.rule];
    ft.rule = f.rule;
    ++ft.count;
    ft.bytes += f.bytes;
    ft.savings_bytes += f.savings_bytes;
  }
  for (auto& [rule, ft] : tallies) s.findings.push_back(std::move(ft));
  return s;
}

}  // namespace layerscope

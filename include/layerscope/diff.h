// Comparing two images: what `layerscope diff OLD NEW` reports. diff_analyses() is a pure
// function of two analyses; diff_images() reads both images with one shared layer cache so
// that layers the images have in common are indexed once. Every delta is NEW minus OLD, in
// bytes, so the totals of the diff are exactly the differences of the two `analyze` totals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "layerscope/analysis.h"

namespace layerscope {

// A finding of the rules engine reduced to what a comparison needs. Two findings are the same
// when rule and path are equal; `bytes` is what the finding is about (what a fix would save).
struct FindingRef {
  std::string rule;
  std::string path;
  uint64_t bytes = 0;
};

// One side of a diff: which image, and its totals as `analyze` reports them.
struct ImageSide {
  std::string reference;
  std::string name;
  std::string platform;
  std::string manifest_digest;
  std::string config_digest;
  Totals totals;
};

struct TotalsDelta {
  int64_t layers = 0;
  int64_t compressed_bytes = 0;
  int64_t tar_bytes = 0;
  int64_t content_bytes = 0;
  int64_t final_bytes = 0;
  int64_t files = 0;
};

// A directory (absolute path) and how its regular-file bytes changed.
struct PathDelta {
  std::string path;
  uint64_t old_bytes = 0;
  uint64_t new_bytes = 0;
  int64_t delta = 0;
};

enum class LayerChangeKind {
  kUnchanged,  // the same diff_id on both sides (read once)
  kChanged,    // different bytes, paired by position and instruction
  kAdded,      // only in NEW
  kRemoved,    // only in OLD
};
const char* layer_change_name(LayerChangeKind kind);  // "unchanged" | "changed" | "added" | "removed"

struct LayerDelta {
  LayerChangeKind change = LayerChangeKind::kUnchanged;
  int old_index = -1;  // -1: no layer on that side
  int new_index = -1;
  std::string old_diff_id, new_diff_id;
  std::string old_instruction, new_instruction;
  // Where the instruction is written: "Dockerfile:14" (NEW's lines, from `--dockerfile`
  // attribution), "OLD Dockerfile:9" for a removed layer, "" when unknown.
  std::string source;
  uint64_t old_content_bytes = 0, new_content_bytes = 0;
  uint64_t old_compressed_bytes = 0, new_compressed_bytes = 0;
  int64_t content_delta = 0;
  int64_t compressed_delta = 0;
  // Where this layer's own content changed: the directories that explain most of
  // content_delta (see explaining_dirs in src/history/explain.h), largest first.
  std::vector<PathDelta> dirs;

  // The instruction to show: NEW's when there is one, else OLD's.
  const std::string& instruction() const { return new_index >= 0 ? new_instruction : old_instruction; }
};

// Layers grouped by their cleaned instruction text, summed on each side.
struct InstructionDelta {
  std::string instruction;
  uint64_t old_layers = 0, new_layers = 0;
  uint64_t old_content_bytes = 0, new_content_bytes = 0;
  uint64_t old_compressed_bytes = 0, new_compressed_bytes = 0;
  int64_t content_delta = 0;
  int64_t compressed_delta = 0;
};

// The final trees compared directory by directory. Sizes are the regular-file bytes of the
// whole subtree (hardlinks count 0, as in `analyze`). Only directories below which something
// changed are kept; children are ordered by |delta| descending, then name.
struct DirDeltaNode {
  std::string path;  // absolute, "/" for the root
  uint64_t old_bytes = 0, new_bytes = 0;
  int64_t delta = 0;
  uint64_t old_files = 0, new_files = 0;
  uint64_t changed_files = 0;  // regular files below that were added, removed or changed
  std::vector<DirDeltaNode> children;
};

enum class FileChangeKind {
  kAdded,
  kRemoved,
  kGrown,
  kShrunk,
  kModified,  // same size, different content hash
};
const char* file_change_name(FileChangeKind kind);  // "added" | "removed" | "grown" | "shrunk" | "modified"

struct FileDelta {
  std::string path;  // absolute
  FileChangeKind change = FileChangeKind::kAdded;
  uint64_t old_bytes = 0, new_bytes = 0;
  int64_t delta = 0;
  int old_layer = -1, new_layer = -1;  // the layer that wrote the visible version
};

struct ChangeTally {
  uint64_t files = 0;
  int64_t bytes = 0;  // Σ delta of those files
};

struct FileChangeTotals {
  ChangeTally added, removed, grown, shrunk, modified;
};

struct BudgetVerdict {
  uint64_t limit_bytes = 0;
  uint64_t content_bytes = 0;  // NEW's content size, what the budget applies to
  bool exceeded = false;       // content_bytes > limit_bytes
};

struct ImageDiff {
  ImageSide old_image, new_image;
  TotalsDelta delta;
  uint64_t shared_layers = 0;               // layers matched by diff_id
  std::vector<LayerDelta> layers;           // in layer order, OLD and NEW interleaved
  std::vector<InstructionDelta> instructions;  // changed ones, largest |content delta| first
  DirDeltaNode root;                        // the tree of directory deltas
  std::vector<PathDelta> focus;             // the directories that explain the final-size change
  std::vector<FileDelta> files;             // every changed file, largest |delta| first, then path
  FileChangeTotals file_totals;
  // The rules engine's findings of both images compared by (rule, path); diff_analyses fills
  // them from Analysis::findings through compare_findings().
  bool findings_compared = false;
  std::vector<FindingRef> findings_appeared, findings_disappeared;
  std::optional<BudgetVerdict> budget;
};

// Compares two analyses (both must carry their indexes and merged tree, as analyze() returns).
ImageDiff diff_analyses(const Analysis& old_analysis, const Analysis& new_analysis);

// Findings reduced to what a comparison needs: one per finding, its path the deepest directory
// holding every listed path (the path itself when there is one), its bytes the finding's.
// A common directory is steadier across builds than the largest path, which may change.
std::vector<FindingRef> finding_refs(const std::vector<Finding>& findings);

// Findings of OLD and NEW compared by (rule, path): the ones only NEW has appeared, the ones
// only OLD has disappeared. Sets findings_compared; the lists come out sorted by rule, then
// path. diff_analyses calls it with both analyses' findings; other sources may call it again.
void compare_findings(ImageDiff& diff, const std::vector<FindingRef>& old_findings,
                      const std::vector<FindingRef>& new_findings);

// The budget verdict for NEW on its content size (the size `docker images` shows).
void apply_budget(ImageDiff& diff, uint64_t limit_bytes);

struct DiffRequest {
  AnalyzeOptions old_image;   // reference and options for OLD; `cache` is ignored
  AnalyzeOptions new_image;   // and for NEW
  LayerCache* cache = nullptr;  // shared between both analyses; nullptr: a MemoryLayerCache
};

struct DiffRun {
  Analysis old_analysis, new_analysis;  // for callers that evaluate more (rules, findings)
  ImageDiff diff;
  uint64_t layers_from_cache = 0;  // layers of either image answered by the cache
  uint64_t layers_indexed = 0;     // layers actually read and indexed
};

// Analyses OLD, then NEW, through one layer cache, and compares them. Layers of NEW that OLD
// already indexed (same blob digest, verified) come from the cache. Inputs that must stream
// (a gzipped archive) are read in full either way.
DiffRun diff_images(const DiffRequest& request);

// Renderers. `depth` limits the directory tree (0: unlimited); `max_files` the file list
// (0: all). Deterministic: the same diff gives the same bytes.
struct DiffRenderOptions {
  int depth = 3;
  size_t max_files = 25;
};

inline constexpr int kDiffJsonSchemaVersion = 1;

std::string render_diff_text(const ImageDiff& diff, const DiffRenderOptions& options);
std::string render_diff_json(const ImageDiff& diff, const DiffRenderOptions& options);
std::string render_diff_markdown(const ImageDiff& diff, const DiffRenderOptions& options);

}  // namespace layerscope

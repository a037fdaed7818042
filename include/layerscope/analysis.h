// The library's entry point and its result. `analyze()` reads an image, indexes every layer
// in parallel, merges them in order and returns plain numbers that renderers, the CI gate
// and the history store consume; nothing here prints or exits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "layerscope/attribution.h"
#include "layerscope/findings.h"
#include "layerscope/image.h"
#include "layerscope/layer_cache.h"
#include "layerscope/layer_index.h"
#include "layerscope/merge.h"
#include "layerscope/progress.h"
#include "layerscope/types.h"

namespace layerscope {

// How to reach a registry for docker:// references (docs/registry.md).
struct RegistryOptions {
  std::string creds;       // --creds USER:PASSWORD; never printed
  std::string authfile;    // --authfile: podman auth.json / docker config.json, used alone
  std::string cert_dir;    // --cert-dir: *.crt CAs, *.cert/*.key client pair (as containers-certs.d(5))
  bool tls_verify = true;  // false: skip certificate checks and allow plain HTTP
  double connect_timeout_s = 30;
  double stall_timeout_s = 60;  // a transfer that receives nothing this long is retried
  unsigned max_connections = 4;  // connections to the registry at once (layers stream in parallel)
  unsigned retries = 4;          // retries of a failed request (5xx, 429, resets, stalls)
};

struct AnalyzeOptions {
  std::string reference;  // image reference (see README: transports)
  std::string image;      // --image NAME:TAG for multi-image inputs
  std::string platform;   // --platform os/arch[/variant]
  unsigned jobs = 0;      // 0: one per CPU
  bool verify = true;     // check blob digests and diff_ids
  bool hash_content = true;
  uint64_t max_layer_bytes = uint64_t{256} << 30;
  uint64_t max_entries = 3'000'000;  // tar entries in the whole image; ~0.7 KB of memory each
  size_t top_n = 15;      // largest files / directories to list
  LayerCache* cache = nullptr;  // optional: reuse per-layer results keyed by digest
  RulesConfig rules;              // thresholds, severities, allowlists, disabled rules
  std::optional<uint64_t> budget_bytes;  // --budget: project the size after every fix
  std::string dockerfile;  // --dockerfile PATH: map layers to its lines ("" = history heuristics)
  // As given to the build: --build-arg values (over the Dockerfile's ARG defaults) and the
  // --target stage that became the image ("" = the last stage).
  std::map<std::string, std::string> build_args;
  std::string target;
  RegistryOptions registry;     // for docker:// references
  ProgressObserver* progress = nullptr;  // optional: told about phases, layers and bytes read
};

struct LayerOverhead {
  uint64_t tar_headers = 0;  // header blocks, pax and GNU long-name records included
  uint64_t tar_padding = 0;  // zero fill after entry data
  uint64_t tar_end = 0;      // end-of-archive blocks and record padding
  uint64_t other_data = 0;   // data of non-file entries (unknown types, markers with data)
  uint64_t compressed_est = 0;  // blob bytes not charged to any entry (end blocks, root entry)
};

struct LayerReport {
  int index = 0;
  std::string digest;      // blob as stored
  std::string diff_id;     // uncompressed tar
  std::string media_type;
  Compression compression = Compression::kNone;
  uint64_t compressed_bytes = 0;
  uint64_t tar_bytes = 0;
  uint64_t content_bytes = 0;
  uint64_t entries = 0;
  uint64_t files = 0;
  ChangeCount added, modified, deleted;
  LayerOverhead overhead;
  std::string created_by;   // raw history text, "" when missing
  std::string instruction;  // readable form ("RUN apt-get …"), "(missing)" when no history;
                            // the Dockerfile's own text when the layer matched a line of it
  int history_index = -1;
  int dockerfile_line = -1, dockerfile_last_line = -1;  // the instruction's lines, -1 unmatched
  std::string origin = kOriginUnknown;                  // "base" | "own" | "unknown"
  bool verified = false;    // both digests were checked
};

struct Totals {
  uint64_t layers = 0;
  uint64_t compressed_bytes = 0;  // Σ blob sizes as stored (the pull size)
  uint64_t tar_bytes = 0;         // Σ uncompressed tar streams
  uint64_t content_bytes = 0;     // Σ regular-file bytes over all layers
  uint64_t final_bytes = 0;       // regular-file bytes visible in the final tree
  uint64_t files = 0;             // regular files in the final tree
  uint64_t dirs = 0, symlinks = 0, hardlinks = 0, other = 0;
  // Split by LayerReport::origin; base + own + unknown == the total above.
  uint64_t base_content_bytes = 0, own_content_bytes = 0, unknown_content_bytes = 0;
  uint64_t base_compressed_bytes = 0, own_compressed_bytes = 0, unknown_compressed_bytes = 0;
};

struct PathBytes {
  std::string path;   // absolute ("/usr/lib")
  uint64_t bytes = 0;
  uint64_t compressed_est = 0;  // estimated pull bytes (see layer/cost_map.h)
  uint64_t files = 0;
  int layer = -1;     // for files: the layer that wrote it
};

// dive-compatible efficiency (../shared/DIVE-COMPAT.md) and layerscope's own figure.
struct InefficientPath {
  std::string path;  // absolute
  uint64_t cumulative_bytes = 0;
  uint64_t count = 0;
};

struct Efficiency {
  double score = 1.0;
  uint64_t wasted_bytes = 0;
  double user_wasted_percent = 0;  // may be NaN (0/0) or +Inf (x/0), exactly as dive computes it
  uint64_t image_bytes = 0;        // dive's image size (Σ layer sizes)
  uint64_t user_bytes = 0;         // Σ sizes of layers 1..n-1
  std::vector<uint64_t> layer_bytes;
  std::vector<InefficientPath> inefficient_paths;  // cumulative desc, then path
  uint64_t reclaimable_bytes = 0;  // bytes a rebuild could avoid, each counted once
  std::vector<Diagnostic> diagnostics;  // where dive's own algorithm would misbehave
};

struct Analysis {
  ImageInfo image;
  std::vector<LayerReport> layers;
  Totals totals;
  std::vector<PathBytes> largest_dirs;
  std::vector<PathBytes> largest_files;
  std::vector<Diagnostic> diagnostics;
  Efficiency efficiency;
  std::vector<Finding> findings;  // sorted: severity, savings, rule, layer
  uint64_t savings_bytes = 0;     // Σ findings' savings (each byte once)
  std::optional<BudgetProjection> budget;
  std::vector<IgnoreSuggestion> dockerignore;
  Attribution attribution;                    // how origins and Dockerfile lines were decided
  std::vector<InstructionBytes> instructions; // bytes per instruction, in layer order

  // The full data behind the summary, for tree browsing and the analyses built on top.
  std::vector<LayerIndex> indexes;
  MergeResult merged;
};

// Throws layerscope::Error (see error.h for the kinds and exit codes).
Analysis analyze(const AnalyzeOptions& options);

}  // namespace layerscope

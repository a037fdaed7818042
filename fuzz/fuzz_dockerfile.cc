// fuzz_dockerfile: the Dockerfile parser (directives, escapes, continuations, heredocs,
// exec/shell form, flags, variable substitution with every ${VAR…} operator) and the
// history <-> Dockerfile alignment that maps layers to lines (map_dockerfile, the
// heuristic guess_base_layers, apply_attribution). `--dockerfile` files and image
// histories are user / image controlled text; bad input must be a kConfig Error.
//
// Input: the Dockerfile, optionally followed by "\n@@history\n" and one history
// `created_by` per line ("E " prefix: an empty_layer entry, "C " prefix sets a BuildKit
// comment). The first byte also picks build args and the layer count.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "attrib/dockerfile.h"
#include "attrib/dockerfile_map.h"
#include "fuzz_common.h"
#include "layerscope/error.h"

using namespace layerscope;

namespace {

void expect_eq(uint64_t a, uint64_t b, const char* what) {
  if (a != b) {
    std::fprintf(stderr, "invariant violated: %s (%llu != %llu)\n", what, (unsigned long long)a, (unsigned long long)b);
    std::abort();
  }
}

void attribute(const HistoryAttribution& att, size_t layer_count) {
  if (att.layers.size() != layer_count) expect_eq(att.layers.size(), layer_count, "one attribution per layer");
  Analysis a;
  uint64_t content = 0, compressed = 0;
  for (size_t i = 0; i < layer_count; ++i) {
    LayerReport r;
    r.index = int(i);
    r.content_bytes = 1000 + i * 7;
    r.compressed_bytes = 100 + i;
    content += r.content_bytes;
    compressed += r.compressed_bytes;
    a.layers.push_back(r);
  }
  a.totals.content_bytes = content;
  a.totals.compressed_bytes = compressed;
  apply_attribution(att, a);
  const Totals& t = a.totals;
  expect_eq(t.base_content_bytes + t.own_content_bytes + t.unknown_content_bytes, content, "origin split of content");
  expect_eq(t.base_compressed_bytes + t.own_compressed_bytes + t.unknown_compressed_bytes, compressed,
            "origin split of compressed");
  uint64_t by_instruction = 0;
  size_t listed = 0;
  for (const auto& i : a.instructions) {
    by_instruction += i.content_bytes;
    listed += i.layers.size();
  }
  expect_eq(by_instruction, content, "instructions sum to content");
  expect_eq(listed, layer_count, "every layer listed once");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (256 << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view text = in;
  std::vector<HistoryEntry> history;
  size_t sep = in.find("\n@@history\n");
  if (sep != std::string_view::npos) {
    text = in.substr(0, sep + 1);
    std::string_view h = in.substr(sep + 11);
    while (!h.empty() && history.size() < 64) {
      size_t nl = h.find('\n');
      std::string line(h.substr(0, nl));
      h = nl == std::string_view::npos ? std::string_view() : h.substr(nl + 1);
      HistoryEntry e;
      if (line.rfind("E ", 0) == 0) {
        e.empty_layer = true;
        line.erase(0, 2);
      } else if (line.rfind("C ", 0) == 0) {
        e.comment = "buildkit.dockerfile.v0";
        line.erase(0, 2);
      }
      e.created_by = line;
      history.push_back(e);
    }
  }
  uint8_t opt = size ? data[0] : 0;
  DockerfileOptions options;
  if (opt & 1) options.build_args = platform_build_args("linux", "arm64", "v8");
  if (opt & 2) options.build_args["BASE"] = "debian:${TARGETARCH:-x}";
  if (opt & 4) options.build_args["VERSION"] = "";
  size_t layers = 0;
  for (const auto& e : history) layers += !e.empty_layer;
  // Usually as many layers as layer-producing entries; sometimes a config that disagrees.
  if (opt & 8) layers = (opt >> 4) % 9;

  try {
    Dockerfile df = parse_dockerfile(text, options);
    for (const auto& s : df.stages) {
      (void)s.from.display();
      for (const auto& i : s.instructions) (void)i.display();
    }
    (void)df.final_chain();
    attribute(map_dockerfile(df, history, layers), layers);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kConfig) {
      std::fprintf(stderr, "unexpected error kind %s: %s\n", error_kind_name(e.kind()), e.what());
      std::abort();
    }
  }
  attribute(guess_base_layers(history, layers), layers);
  (void)collapse_whitespace(text);
  return 0;
}

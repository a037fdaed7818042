// fuzz_merge: the whiteout / opaque-directory merge over random layer stacks, and the
// byte accounting built on it: bytes per directory (final tree and per layer), the final
// tree summary and dive-compatible efficiency. The input is decoded into 1-4 small tar
// layers whose paths come from a tiny alphabet (".wh.", ".wh..wh..opq", "..", ".", "/",
// repeated names) so that whiteouts, replacements of dirs by files and links collide
// constantly; each tar is indexed by the real indexer, so the LayerIndex objects are
// exactly what the pipeline would merge. The accounting invariants of ARCHITECTURE.md are
// checked and a violation aborts (a crash the fuzzer reports).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "attrib/dir_sizes.h"
#include "attrib/dive_efficiency.h"
#include "attrib/tree_summary.h"
#include "decode/byte_source.h"
#include "fuzz_common.h"
#include "layer/indexer.h"
#include "layerscope/error.h"
#include "layerscope/merge.h"

using namespace layerscope;

namespace {

[[noreturn]] void violated(const char* what, uint64_t a, uint64_t b) {
  std::fprintf(stderr, "invariant violated: %s (%llu != %llu)\n", what, (unsigned long long)a, (unsigned long long)b);
  std::abort();
}
void expect_eq(uint64_t a, uint64_t b, const char* what) {
  if (a != b) violated(what, a, b);
}

void octal(char* field, size_t width, uint64_t v) {
  std::snprintf(field, width, "%0*llo", int(width - 1), (unsigned long long)v);
}

void add_entry(std::string& tar, const std::string& name, char type, const std::string& link, const std::string& data) {
  char h[512] = {};
  std::memcpy(h, name.data(), std::min<size_t>(name.size(), 100));
  octal(h + 100, 8, type == '5' ? 0755 : 0644);
  octal(h + 108, 8, 0);
  octal(h + 116, 8, 0);
  octal(h + 124, 12, data.size());
  octal(h + 136, 12, 0);
  h[156] = type;
  std::memcpy(h + 157, link.data(), std::min<size_t>(link.size(), 100));
  std::memcpy(h + 257, "ustar\0" "00", 8);
  std::memset(h + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(h + 148, 8, "%06o", sum);
  tar.append(h, 512);
  tar += data;
  tar.append((512 - data.size() % 512) % 512, '\0');
}

std::string component(layerscope_fuzz::ByteReader& in) {
  static const char* const kNames[] = {"a", "b", "c", "a", "b", "..", ".", ".wh.a", ".wh.b", ".wh.c",
                                       ".wh..wh..opq", ".wh..wh..opq", "", ".wh.", ".wh..", "d"};
  return kNames[in.byte() % 16];
}

std::string path(layerscope_fuzz::ByteReader& in) {
  uint8_t b = in.byte();
  std::string p = b & 0x10 ? "/" : b & 0x20 ? "./" : "";
  int depth = 1 + b % 4;
  for (int i = 0; i < depth; ++i) p += (i ? "/" : "") + component(in);
  if (b & 0x40) p += "/";
  return p;
}

// Checks bytes == own_bytes + Σ children (and files) on every directory; returns the
// number of directories seen.
void check_dirs(const DirSize& d) {
  uint64_t bytes = d.own_bytes, files = d.own_files;
  for (const auto& c : d.children) {
    check_dirs(c);
    bytes += c.bytes;
    files += c.files;
  }
  expect_eq(d.bytes, bytes, "dir bytes == own + children");
  expect_eq(d.files, files, "dir files == own + children");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  layerscope_fuzz::ByteReader in{data, size};
  size_t layer_count = 1 + in.byte() % 4;
  std::vector<LayerIndex> indexes;
  try {
    for (size_t l = 0; l < layer_count; ++l) {
      std::string tar;
      size_t entries = in.byte() % 16;
      for (size_t i = 0; i < entries && !in.empty(); ++i) {
        uint8_t k = in.byte();
        std::string name = path(in);
        switch (k % 8) {
          case 0:
          case 1: add_entry(tar, name, '0', "", std::string(in.byte() % 40, char('a' + k % 3))); break;
          case 2: add_entry(tar, name, '5', "", ""); break;
          case 3: add_entry(tar, name, '2', path(in), ""); break;
          case 4: add_entry(tar, name, '1', path(in), ""); break;
          case 5: add_entry(tar, name, k & 0x80 ? '0' : '5', "", ""); break;  // markers, empty
          case 6: add_entry(tar, name, '6', "", ""); break;
          case 7: add_entry(tar, name, 'x' + (k >> 7), "", std::string(k % 5, 'x')); break;
        }
      }
      tar.append(1024, '\0');
      MemorySource src(tar);
      IndexOptions o;
      o.max_entries = 1000;
      o.tar_buffer_bytes = 16 << 10;  // the default 1 MiB buffer per call would dominate the run time
      indexes.push_back(index_layer(src, "layer " + std::to_string(l), o));
    }
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInternal) std::abort();
    return 0;  // a path the indexer rejects (too deep / long): nothing to merge
  }

  // FUZZ_VERBOSE=1 prints the decoded layers (for reading a reproducer).
  static const bool verbose = std::getenv("FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    for (size_t l = 0; l < indexes.size(); ++l) {
      for (const auto& e : indexes[l].entries) {
        std::fprintf(stderr, "layer %zu: %-8s %s%s%s size=%llu\n", l, entry_kind_name(e.kind), e.path.c_str(),
                     e.link.empty() ? "" : " -> ", e.link.c_str(), (unsigned long long)e.size);
      }
    }
  }
  std::vector<const LayerIndex*> ptrs;
  for (const auto& i : indexes) ptrs.push_back(&i);
  MergeResult merged;
  try {
    merged = merge_layers(ptrs);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInternal) std::abort();
    return 0;
  }
  if (merged.layers.size() != indexes.size()) violated("one LayerChanges per layer", merged.layers.size(), indexes.size());

  uint64_t content = 0;
  for (size_t l = 0; l < indexes.size(); ++l) {
    const LayerIndex& li = indexes[l];
    const LayerChanges& ch = merged.layers[l];
    content += li.content_bytes;
    expect_eq(ch.added.files + ch.modified.files, li.file_count, "added + modified == files");
    expect_eq(ch.added.bytes + ch.modified.bytes, li.content_bytes, "added + modified bytes == content");
    DirSize ld = layer_dir_sizes(li);
    check_dirs(ld);
    expect_eq(ld.bytes, li.content_bytes, "layer root == content_bytes");
    expect_eq(ld.files, li.file_count, "layer root files == file_count");
  }
  for (const Shadow& s : merged.shadows) {
    if (s.layer >= indexes.size() || s.entry >= indexes[s.layer].entries.size()) violated("shadow in range", s.layer, s.entry);
  }

  Totals totals;
  std::vector<PathBytes> dirs, files;
  summarize_tree(indexes, merged.tree, 10, totals, dirs, files);
  DirSize fd = final_dir_sizes(indexes, merged.tree);
  check_dirs(fd);
  expect_eq(fd.bytes, totals.final_bytes, "final root == final_bytes");
  expect_eq(fd.files, totals.files, "final root files == files");
  Efficiency eff = compute_efficiency(ptrs, merged);
  expect_eq(eff.reclaimable_bytes + totals.final_bytes, content, "reclaimable + final == content");
  for (const auto& row : dir_rows(fd, "/", 0, true)) (void)row;
  return 0;
}

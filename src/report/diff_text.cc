// The human form of `layerscope diff`: sizes side by side, then where the change is: layers,
// instructions, a tree of directory deltas (largest change first) and the files. Sizes are SI
// (1 MB = 1,000,000 bytes) and every delta is NEW minus OLD.
#include <fmt/format.h>

#include "layerscope/diff.h"
#include "report/delta_util.h"
#include "report/text_util.h"
#include "util/digest.h"
#include "util/units.h"

namespace layerscope {

namespace {

void header(std::string& out, const ImageDiff& d) {
  out += "Diff (deltas are NEW minus OLD; 1 MB = 1,000,000 bytes)\n";
  auto side = [&](const char* label, const ImageSide& s) {
    std::string name = s.name.empty() ? "(untagged)" : s.name;
    out += fmt::format("  {}  {}\n       {}  {}  config {}\n", label, s.reference, name, s.platform,
                       short_digest(s.config_digest));
  };
  side("OLD", d.old_image);
  side("NEW", d.new_image);
}

void sizes(std::string& out, const ImageDiff& d) {
  const Totals& o = d.old_image.totals;
  const Totals& n = d.new_image.totals;
  out += fmt::format("\nSizes\n  {:<22}{:>12}{:>12}{:>12}\n", "", "OLD", "NEW", "delta");
  auto bytes_row = [&](const char* label, uint64_t a, uint64_t b, int64_t delta) {
    std::string pct = percent_change(delta, a);
    out += fmt::format("  {:<22}{:>12}{:>12}{:>12}{}\n", label, human_bytes(a), human_bytes(b), human_delta(delta),
                       pct.empty() ? "" : "  " + pct);
  };
  auto count_row = [&](const char* label, uint64_t a, uint64_t b, int64_t delta) {
    out += fmt::format("  {:<22}{:>12}{:>12}{:>12}\n", label, group_thousands(a), group_thousands(b), signed_count(delta));
  };
  bytes_row("pull (compressed)", o.compressed_bytes, n.compressed_bytes, d.delta.compressed_bytes);
  bytes_row("uncompressed layers", o.tar_bytes, n.tar_bytes, d.delta.tar_bytes);
  bytes_row("content", o.content_bytes, n.content_bytes, d.delta.content_bytes);
  bytes_row("final filesystem", o.final_bytes, n.final_bytes, d.delta.final_bytes);
  count_row("files (final)", o.files, n.files, d.delta.files);
  count_row("layers", o.layers, n.layers, d.delta.layers);
}

std::string index_text(int i) { return i < 0 ? "-" : std::to_string(i); }

void layers(std::string& out, const ImageDiff& d) {
  out += fmt::format("\nLayers ({} shared by diff_id, indexed once)\n", d.shared_layers);
  out += fmt::format("  {:>3} {:>3}  {:<9} {:>10} {:>12}  {}\n", "OLD", "NEW", "change", "content Δ", "compressed Δ",
                     "instruction");
  for (const auto& l : d.layers) {
    std::string instruction = l.instruction();
    if (!l.source.empty()) instruction = "[" + l.source + "] " + instruction;
    out += fmt::format("  {:>3} {:>3}  {:<9} {:>10} {:>12}  {}\n", index_text(l.old_index), index_text(l.new_index),
                       layer_change_name(l.change), human_delta(l.content_delta), human_delta(l.compressed_delta),
                       fit(instruction, 90));
    if (l.change == LayerChangeKind::kChanged && l.old_instruction != l.new_instruction) {
      out += fmt::format("  {:>3} {:>3}  {:<9} {:>10} {:>12}  was: {}\n", "", "", "", "", "", fit(l.old_instruction, 85));
    }
    for (const auto& dir : l.dirs) {
      out += fmt::format("  {:>3} {:>3}  {:<9} {:>10} {:>12}    in {}\n", "", "", "", human_delta(dir.delta), "",
                         fit(dir.path, 100));
    }
  }
}

void instructions(std::string& out, const ImageDiff& d) {
  if (d.instructions.empty()) return;
  out += "\nInstructions (changed, largest content change first)\n";
  out += fmt::format("  {:>10} {:>12} {:>7}  {}\n", "content Δ", "compressed Δ", "layers", "instruction");
  for (const auto& in : d.instructions) {
    out += fmt::format("  {:>10} {:>12} {:>7}  {}\n", human_delta(in.content_delta), human_delta(in.compressed_delta),
                       fmt::format("{}→{}", in.old_layers, in.new_layers), fit(in.instruction, 100));
  }
}

struct TreePrinter {
  int depth_limit;
  std::string& out;

  void line(const DirDeltaNode& n, const std::string& branch, const std::string& name) {
    out += fmt::format("  {:>10}  {:>10} → {:<10} {}{}\n", human_delta(n.delta), human_bytes(n.old_bytes),
                       human_bytes(n.new_bytes), branch, fit(name, 120));
  }
  void print(const DirDeltaNode& n, const std::string& prefix, int depth) {
    if (depth_limit > 0 && depth >= depth_limit) return;
    for (size_t i = 0; i < n.children.size(); ++i) {
      const DirDeltaNode& c = n.children[i];
      bool last = i + 1 == n.children.size();
      std::string name(base_of(c.path));
      line(c, prefix + (last ? "└── " : "├── "), name + "/");
      print(c, prefix + (last ? "    " : "│   "), depth + 1);
    }
  }
  static std::string_view base_of(std::string_view path) {
    size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
  }
};

void directories(std::string& out, const ImageDiff& d, const DiffRenderOptions& o) {
  out += "\nDirectories (final tree, largest change first";
  out += o.depth > 0 ? fmt::format(", --depth {})\n", o.depth) : std::string(")\n");
  if (d.root.changed_files == 0) {
    out += "  no file changed\n";
    return;
  }
  TreePrinter p{o.depth, out};
  p.line(d.root, "", "/");
  p.print(d.root, "", 0);
  if (!d.focus.empty()) {
    std::string list;
    for (const auto& f : d.focus) list += (list.empty() ? "" : ", ") + f.path + " " + human_delta(f.delta);
    out += "  mostly: " + fit(list, 160) + "\n";
  }
}

void files(std::string& out, const ImageDiff& d, const DiffRenderOptions& o) {
  const FileChangeTotals& t = d.file_totals;
  out += fmt::format("\nFiles ({} changed: {} added {}, {} removed {}, {} grown {}, {} shrunk {}, {} modified",
                     group_thousands(d.files.size()), t.added.files, human_delta(t.added.bytes), t.removed.files,
                     human_delta(t.removed.bytes), t.grown.files, human_delta(t.grown.bytes), t.shrunk.files,
                     human_delta(t.shrunk.bytes), t.modified.files);
  size_t shown = o.max_files == 0 ? d.files.size() : std::min(o.max_files, d.files.size());
  out += shown < d.files.size() ? fmt::format("; largest {} shown)\n", shown) : std::string(")\n");
  for (size_t i = 0; i < shown; ++i) {
    const FileDelta& f = d.files[i];
    std::string sizes = f.change == FileChangeKind::kAdded     ? human_bytes(f.new_bytes)
                        : f.change == FileChangeKind::kRemoved ? human_bytes(f.old_bytes)
                                                               : human_bytes(f.old_bytes) + " → " + human_bytes(f.new_bytes);
    out += fmt::format("  {:>10}  {:<8}  {}  ({})\n", human_delta(f.delta), file_change_name(f.change), fit(f.path, 120),
                       sizes);
  }
}

void findings(std::string& out, const ImageDiff& d) {
  out += "\nFindings\n";
  if (!d.findings_compared) {
    out += "  not compared (no rules were evaluated)\n";
    return;
  }
  if (d.findings_appeared.empty() && d.findings_disappeared.empty()) out += "  no finding appeared or disappeared\n";
  for (const auto& f : d.findings_appeared) {
    out += fmt::format("  + {:<24} {:>10}  {}\n", f.rule, human_bytes(f.bytes), fit(f.path, 100));
  }
  for (const auto& f : d.findings_disappeared) {
    out += fmt::format("  - {:<24} {:>10}  {}\n", f.rule, human_bytes(f.bytes), fit(f.path, 100));
  }
}

void budget(std::string& out, const ImageDiff& d) {
  if (!d.budget) return;
  const BudgetVerdict& b = *d.budget;
  out += "\nBudget\n";
  if (b.exceeded) {
    out += fmt::format("  FAIL: NEW content {} is over the budget of {} by {}\n", human_bytes(b.content_bytes),
                       human_bytes(b.limit_bytes), human_bytes(b.content_bytes - b.limit_bytes));
  } else {
    out += fmt::format("  pass: NEW content {} is within the budget of {}\n", human_bytes(b.content_bytes),
                       human_bytes(b.limit_bytes));
  }
}

}  // namespace

std::string render_diff_text(const ImageDiff& d, const DiffRenderOptions& o) {
  std::string out;
  header(out, d);
  sizes(out, d);
  layers(out, d);
  instructions(out, d);
  directories(out, d, o);
  files(out, d, o);
  findings(out, d);
  budget(out, d);
  return trim_line_ends(std::move(out));
}

}  // namespace layerscope

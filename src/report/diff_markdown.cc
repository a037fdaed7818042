// `layerscope diff --format markdown`: a pull-request comment. The first line says how much
// the image changed and why, in one sentence ("+212 MB, 180 MB of it from `RUN pip install`
// in layer 5, mostly site-packages/torch"); tables follow, the long ones folded in <details>.
#include <fmt/format.h>

#include "layerscope/diff.h"
#include "report/delta_util.h"
#include "report/text_util.h"
#include "util/text.h"
#include "util/units.h"

namespace layerscope {

namespace {

// The layer that moved the content size most in the direction of the total change.
const LayerDelta* main_layer(const ImageDiff& d) {
  const LayerDelta* best = nullptr;
  for (const auto& l : d.layers) {
    if (l.content_delta == 0 || (l.content_delta > 0) != (d.delta.content_bytes > 0)) continue;
    if (!best || magnitude(l.content_delta) > magnitude(best->content_delta)) best = &l;
  }
  return best;
}

std::string headline(const ImageDiff& d) {
  int64_t total = d.delta.content_bytes;
  if (total == 0) {
    return d.files.empty() ? "No change: both images hold the same files."
                           : fmt::format("Same content size; {} files changed.", d.files.size());
  }
  std::string out = fmt::format("**{}** content ({}; pull {})", human_delta(total),
                                percent_change(total, d.old_image.totals.content_bytes),
                                human_delta(d.delta.compressed_bytes));
  if (const LayerDelta* l = main_layer(d)) {
    std::string where = l->source.empty() ? fmt::format("in layer {}", l->new_index >= 0 ? l->new_index : l->old_index)
                                          : "at " + l->source;
    out += fmt::format(", {} of it from {} {}", human_bytes(magnitude(l->content_delta)), md_code(fit(l->instruction(), 80)),
                       where);
    if (!l->dirs.empty()) out += ", mostly " + md_code(short_path(l->dirs.front().path));
  } else if (!d.focus.empty()) {
    out += ", mostly " + md_code(short_path(d.focus.front().path));
  }
  return out + ".";
}

void dir_rows(std::string& out, const DirDeltaNode& n, int depth, int limit) {
  out += fmt::format("| {} | {} | {} | {} |\n", human_delta(n.delta), human_bytes(n.old_bytes), human_bytes(n.new_bytes),
                     md_code(n.path));
  if (limit > 0 && depth >= limit) return;
  for (const auto& c : n.children) dir_rows(out, c, depth + 1, limit);
}

std::string markdown_index(int i) { return i < 0 ? "–" : std::to_string(i); }

}  // namespace

std::string render_diff_markdown(const ImageDiff& d, const DiffRenderOptions& o) {
  std::string out;
  out += fmt::format("### Image size: {}\n\n", human_delta(d.delta.content_bytes));
  out += headline(d) + "\n\n";
  out += fmt::format("OLD {} → NEW {}\n\n", md_code(d.old_image.reference), md_code(d.new_image.reference));

  const Totals& a = d.old_image.totals;
  const Totals& b = d.new_image.totals;
  out += "| | OLD | NEW | Δ | |\n|---|---:|---:|---:|---:|\n";
  auto bytes_row = [&](const char* label, uint64_t x, uint64_t y, int64_t delta) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", label, human_bytes(x), human_bytes(y), human_delta(delta),
                       percent_change(delta, x));
  };
  bytes_row("pull (compressed)", a.compressed_bytes, b.compressed_bytes, d.delta.compressed_bytes);
  bytes_row("content", a.content_bytes, b.content_bytes, d.delta.content_bytes);
  bytes_row("final filesystem", a.final_bytes, b.final_bytes, d.delta.final_bytes);
  out += fmt::format("| files | {} | {} | {} | |\n", group_thousands(a.files), group_thousands(b.files),
                     signed_count(d.delta.files));
  out += fmt::format("| layers | {} | {} | {} | |\n", a.layers, b.layers, signed_count(d.delta.layers));
  out += "\nSizes are SI (1 MB = 1,000,000 bytes); Δ is NEW minus OLD.\n";

  if (d.budget) {
    const BudgetVerdict& v = *d.budget;
    out += v.exceeded ? fmt::format("\n:x: **Over budget**: NEW content {} exceeds {} by {}.\n", human_bytes(v.content_bytes),
                                    human_bytes(v.limit_bytes), human_bytes(v.content_bytes - v.limit_bytes))
                      : fmt::format("\n:white_check_mark: Within budget: NEW content {} ≤ {}.\n",
                                    human_bytes(v.content_bytes), human_bytes(v.limit_bytes));
  }

  out += fmt::format("\n<details><summary>Layers ({} shared, {} in all)</summary>\n\n", d.shared_layers, d.layers.size());
  out += "| OLD | NEW | change | content Δ | compressed Δ | instruction |\n|---:|---:|---|---:|---:|---|\n";
  for (const auto& l : d.layers) {
    std::string text = md_code(fit(l.instruction(), 100));
    if (!l.source.empty()) text += " (" + md_cell(l.source) + ")";
    for (const auto& dir : l.dirs) text += "<br>" + human_delta(dir.delta) + " in " + md_code(dir.path);
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", markdown_index(l.old_index), markdown_index(l.new_index),
                       layer_change_name(l.change), human_delta(l.content_delta), human_delta(l.compressed_delta), text);
  }
  out += "\n</details>\n";

  if (!d.instructions.empty()) {
    out += "\n<details><summary>Instructions</summary>\n\n";
    out += "| content Δ | compressed Δ | layers | instruction |\n|---:|---:|---:|---|\n";
    for (const auto& in : d.instructions) {
      out += fmt::format("| {} | {} | {}→{} | {} |\n", human_delta(in.content_delta), human_delta(in.compressed_delta),
                         in.old_layers, in.new_layers, md_code(fit(in.instruction, 100)));
    }
    out += "\n</details>\n";
  }

  if (d.root.changed_files != 0) {
    out += "\n<details><summary>Directories (final tree, largest change first)</summary>\n\n";
    out += "| Δ | OLD | NEW | directory |\n|---:|---:|---:|---|\n";
    dir_rows(out, d.root, 0, o.depth);
    out += "\n</details>\n";
  }

  if (!d.files.empty()) {
    size_t shown = o.max_files == 0 ? d.files.size() : std::min(o.max_files, d.files.size());
    out += fmt::format("\n<details><summary>Files ({} changed{})</summary>\n\n", d.files.size(),
                       shown < d.files.size() ? fmt::format(", largest {} shown", shown) : std::string());
    out += "| Δ | change | OLD | NEW | path |\n|---:|---|---:|---:|---|\n";
    for (size_t i = 0; i < shown; ++i) {
      const FileDelta& f = d.files[i];
      out += fmt::format("| {} | {} | {} | {} | {} |\n", human_delta(f.delta), file_change_name(f.change),
                         f.old_layer >= 0 ? human_bytes(f.old_bytes) : "–", f.new_layer >= 0 ? human_bytes(f.new_bytes) : "–",
                         md_code(f.path));
    }
    out += "\n</details>\n";
  }

  if (d.findings_compared && (!d.findings_appeared.empty() || !d.findings_disappeared.empty())) {
    out += "\n**Findings**\n\n";
    for (const auto& f : d.findings_appeared) {
      out += fmt::format("- new: {} {} ({})\n", md_code(f.rule), md_code(f.path), human_bytes(f.bytes));
    }
    for (const auto& f : d.findings_disappeared) {
      out += fmt::format("- fixed: {} {} ({})\n", md_code(f.rule), md_code(f.path), human_bytes(f.bytes));
    }
  }
  return out;
}

}  // namespace layerscope

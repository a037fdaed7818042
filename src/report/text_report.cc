// The human report of `layerscope analyze`: where the bytes are, layer by layer. Sizes are
// SI (1 MB = 1,000,000 bytes, as `docker images` prints them).
#include <fmt/format.h>

#include <algorithm>

#include "layerscope/report.h"
#include "layerscope_version.h"
#include "report/dive_format.h"
#include "report/text_util.h"
#include "util/digest.h"
#include "util/units.h"

namespace layerscope {

namespace {

constexpr size_t kBudgetFixesShown = 10;

std::string files_and_bytes(const ChangeCount& c) {
  if (c.files == 0 && c.bytes == 0) return "-";
  return human_bytes(c.bytes) + " (" + group_thousands(c.files) + ")";
}

void header(std::string& out, const Analysis& a) {
  const ImageInfo& im = a.image;
  out += fmt::format("Image      {}\n", im.reference);
  std::string name = im.name.empty() ? "(untagged)" : im.name;
  out += fmt::format("           {}  {}  {} / {}\n", name, im.platform, im.transport, im.layout);
  if (im.available.size() > 1) {
    std::string list;
    for (const auto& x : im.available) list += (list.empty() ? "" : ", ") + x;
    out += fmt::format("           analysed 1 of {}: {}\n", im.available.size(), fit(list, 100));
  }
  const ImageConfig& c = im.config;
  std::string user = c.user.empty() ? "root (no USER)" : c.user;
  out += fmt::format("Config     {}  user: {}  healthcheck: {}\n", short_digest(im.config_digest), user,
                     c.has_healthcheck ? "yes" : "none");
}

// "Dockerfile:6-14", "base", "own" (no Dockerfile line), "unmatched" (a Dockerfile was given
// but nothing in it made this layer), "-" (unknown).
std::string dockerfile_lines(const Analysis& a, int first, int last, const std::string& origin) {
  if (first >= 0) return "Dockerfile:" + std::to_string(first) + (last > first ? "-" + std::to_string(last) : "");
  if (origin == kOriginBase || origin == kOriginOwn) return origin;
  return a.attribution.method == "dockerfile" ? "unmatched" : "-";
}

std::string layers_count(int n) { return std::to_string(n) + (n == 1 ? " layer" : " layers"); }

template <typename Row>
void origin_split(std::string& out, const Analysis& a, Row& row) {
  const Attribution& at = a.attribution;
  if (at.method == "none") return;
  const Totals& t = a.totals;
  std::string from = at.base_image.empty() ? "" : " (FROM " + at.base_image + ")";
  row("  base image", t.base_content_bytes, layers_count(at.base_layers) + from);
  row("  own instructions", t.own_content_bytes, layers_count(at.own_layers));
  if (at.unknown_layers) row("  unattributed", t.unknown_content_bytes, layers_count(at.unknown_layers) + " (see Notes)");
  out += "  (" + (at.method == "heuristic" ? std::string("guessed: ") : std::string()) + at.rule + ")\n";
}

void by_instruction(std::string& out, const Analysis& a) {
  if (a.attribution.method == "none" || a.instructions.empty()) return;
  std::vector<const InstructionBytes*> v;
  for (const auto& i : a.instructions) v.push_back(&i);
  std::stable_sort(v.begin(), v.end(), [](auto* x, auto* y) { return x->content_bytes > y->content_bytes; });
  out += "\nBy instruction (content bytes, largest first)\n";
  for (const auto* i : v) {
    std::string layers = i->layers.size() == 1 ? "layer " + std::to_string(i->layers[0])
                                                : "layers " + std::to_string(i->layers.front()) + "-" +
                                                      std::to_string(i->layers.back());
    bool label = i->origin == kOriginBase && i->dockerfile_line >= 0;  // "FROM x  (base image)"
    std::string text = i->instruction + (label ? "  (base image)" : "");
    out += fmt::format("  {:<18} {:>10} {:>6}  {:<11} {}\n",
                       dockerfile_lines(a, i->dockerfile_line, i->dockerfile_last_line, i->origin),
                       human_bytes(i->content_bytes), percent(i->content_bytes, a.totals.content_bytes), layers,
                       fit(text, 90));
  }
}

void sizes(std::string& out, const Analysis& a) {
  const Totals& t = a.totals;
  out += "\nSizes (1 MB = 1,000,000 bytes)\n";
  auto row = [&](const char* label, uint64_t v, const std::string& note) {
    out += fmt::format("  {:<22}{:>10}   {}\n", label, human_bytes(v), note);
  };
  row("pull (compressed)", t.compressed_bytes, group_thousands(t.compressed_bytes) + " bytes in " +
                                                   std::to_string(t.layers) + " layer blobs");
  row("uncompressed layers", t.tar_bytes, "tar streams, headers and padding included");
  row("content", t.content_bytes, "file bytes in all layers (the size `docker images` shows)");
  row("final filesystem", t.final_bytes, group_thousands(t.files) + " files visible in the final tree");
  uint64_t hidden = t.content_bytes >= t.final_bytes ? t.content_bytes - t.final_bytes : 0;
  row("hidden by later layers", hidden, "shipped, but deleted or overwritten above (" + percent(hidden, t.content_bytes) + ")");
  origin_split(out, a, row);
}

void layers(std::string& out, const Analysis& a) {
  out += "\nLayers\n";
  out += fmt::format("  {:>3}  {:<19} {:>10} {:>10}  {:<18} {:<18} {:<18} {:<16} {}\n", "#", "digest", "compressed",
                     "content", "added (files)", "modified (files)", "deleted (files)", "line", "instruction");
  for (const auto& l : a.layers) {
    out += fmt::format("  {:>3}  {:<19} {:>10} {:>10}  {:<18} {:<18} {:<18} {:<16} {}\n", l.index,
                       short_digest(l.digest), human_bytes(l.compressed_bytes), human_bytes(l.content_bytes),
                       files_and_bytes(l.added), files_and_bytes(l.modified), files_and_bytes(l.deleted),
                       dockerfile_lines(a, l.dockerfile_line, l.dockerfile_last_line, l.origin),
                       fit(l.instruction, 72));
  }
  size_t empty = 0;
  for (const auto& h : a.image.config.history) empty += h.empty_layer;
  if (empty) {
    out += fmt::format("  ({} history entries such as ENV, LABEL, CMD made no layer and are not listed)\n", empty);
  }
}

void largest(std::string& out, const Analysis& a) {
  if (!a.largest_dirs.empty()) {
    out += "\nLargest directories (final tree; pull = estimated share of the compressed download)\n";
    for (const auto& d : a.largest_dirs) {
      out += fmt::format("  {:>10}  {:>6}  pull ~{:>9}  {:>8} files  {}\n", human_bytes(d.bytes),
                         percent(d.bytes, a.totals.final_bytes), human_bytes(d.compressed_est), group_thousands(d.files),
                         fit(d.path, 100));
    }
  }
  if (!a.largest_files.empty()) {
    out += "\nLargest files (final tree)\n";
    for (const auto& f : a.largest_files) {
      out += fmt::format("  {:>10}  layer {:<3} {}\n", human_bytes(f.bytes), f.layer, fit(f.path, 100));
    }
  }
}

std::string severity_label(Severity s) {
  switch (s) {
    case Severity::kError: return "ERROR";
    case Severity::kWarning: return "WARN";
    default: return "info";
  }
}

std::string where(const Finding& f) {
  std::string w = f.layer >= 0 ? "layer " + std::to_string(f.layer) : "config";
  if (f.dockerfile_line >= 0) w += ", Dockerfile:" + std::to_string(f.dockerfile_line);
  return w;
}

void findings(std::string& out, const Analysis& a) {
  if (a.findings.empty()) {
    out += "\nFindings\n  none\n";
    return;
  }
  out += fmt::format("\nFindings ({}; fixing all of them saves {})\n", a.findings.size(), human_bytes(a.savings_bytes));
  for (const auto& f : a.findings) {
    std::string saves = f.savings_bytes ? "saves " + human_bytes(f.savings_bytes) : "";
    out += fmt::format("  {:<5} {:<18} {:<22} {}\n", severity_label(f.severity), f.rule, where(f), saves);
    if (!f.instruction.empty()) out += fmt::format("        {}\n", fit(f.instruction, 100));
    out += fmt::format("        {}\n", fit(f.message, 160));
    for (const auto& p : f.paths) {
      std::string note = p.note.empty() ? "" : "  (" + p.note + ")";
      out += fmt::format("          {:>10}  {}{}\n", human_bytes(p.bytes), fit(p.path, 100), note);
    }
    if (f.path_count > f.paths.size()) {
      out += fmt::format("          … {} more paths\n", group_thousands(f.path_count - f.paths.size()));
    }
    out += fmt::format("        fix: {}\n", f.fix);
  }
}

void budget(std::string& out, const Analysis& a) {
  if (!a.budget) return;
  const BudgetProjection& b = *a.budget;
  out += fmt::format("\nBudget {} (content size, what `docker images` shows)\n", human_bytes(b.budget_bytes));
  out += fmt::format("  current    {:>10}   {}\n", human_bytes(b.current_bytes),
                     b.fits_now ? "fits" : "over by " + human_bytes(b.current_bytes - b.budget_bytes));
  size_t n = 0;
  uint64_t rest = 0;
  for (size_t i : b.fixes) {
    const Finding& f = a.findings[i];
    if (n == kBudgetFixesShown) {
      rest += f.savings_bytes;
      continue;
    }
    out += fmt::format("  {:>2}. {:>10}  {:<18} {:<22} {}\n", ++n, "-" + human_bytes(f.savings_bytes), f.rule, where(f),
                       fit(f.instruction, 60));
  }
  if (rest) {
    out += fmt::format("      {:>10}  {} smaller fixes\n", "-" + human_bytes(rest), b.fixes.size() - n);
  }
  out += fmt::format("  projected  {:>10}   after every fix above: {}\n", human_bytes(b.projected_bytes),
                     b.fits_after_fixes ? "fits the budget"
                                        : "still over by " + human_bytes(b.projected_bytes - b.budget_bytes));
}

void dockerignore(std::string& out, const Analysis& a) {
  if (a.dockerignore.empty()) return;
  out += "\nSuggested .dockerignore (build-context files that COPY/ADD brought in)\n";
  for (const auto& s : a.dockerignore) {
    out += fmt::format("  {:<18} # {:>10} in {} files: {}\n", s.pattern, human_bytes(s.bytes), group_thousands(s.files),
                       s.reason);
  }
}

// dive's three CI numbers, printed as `dive --ci` prints them ("98.4421 %", "NaN %", "+Inf %",
// go-humanize sizes), then layerscope's reclaimable bytes and the paths behind the waste.
void efficiency(std::string& out, const Analysis& a) {
  constexpr size_t kMaxPaths = 10;
  const Efficiency& e = a.efficiency;
  out += "\nEfficiency (dive-compatible)\n";
  auto row = [&](const char* label, const std::string& value, const std::string& note) {
    out += fmt::format("  {:<22}{:<28} {}\n", label, value, note);
  };
  row("efficiency", go_fixed(e.score * 100, 4) + " %", "score " + go_float(e.score));
  row("wasted bytes", fmt::format("{} bytes ({})", e.wasted_bytes, go_humanize_bytes(e.wasted_bytes)),
      "every copy of each path written more than once");
  row("user wasted percent", go_fixed(e.user_wasted_percent * 100, 4) + " %",
      "wasted / " + group_thousands(e.user_bytes) + " bytes of the layers above the base");
  row("reclaimable", fmt::format("{} bytes ({})", e.reclaimable_bytes, human_bytes(e.reclaimable_bytes)),
      "layerscope: hidden by later layers, each byte counted once");
  if (e.inefficient_paths.empty()) {
    out += "  inefficient paths     none\n";
    return;
  }
  out += fmt::format("  inefficient paths     {}\n", group_thousands(e.inefficient_paths.size()));
  out += fmt::format("    {:>5}  {:>12}  {}\n", "count", "wasted space", "path");
  size_t shown = 0;
  for (const auto& p : e.inefficient_paths) {
    if (++shown > kMaxPaths) {
      out += fmt::format("    … and {} more (see --format json)\n", e.inefficient_paths.size() - kMaxPaths);
      break;
    }
    out += fmt::format("    {:>5}  {:>12}  {}\n", p.count, go_humanize_bytes(p.cumulative_bytes), fit(p.path, 100));
  }
}

void diagnostics(std::string& out, const Analysis& a) {
  if (a.diagnostics.empty()) return;
  out += "\nNotes\n";
  size_t shown = 0;
  for (const auto& d : a.diagnostics) {
    if (++shown > 20) {
      out += fmt::format("  … and {} more (see --format json)\n", a.diagnostics.size() - 20);
      break;
    }
    std::string where = d.layer >= 0 ? "layer " + std::to_string(d.layer) + ": " : "";
    out += fmt::format("  [{}] {}{}\n", d.code, where, fit(d.message, 140));
  }
}

}  // namespace

std::string render_text(const Analysis& a) {
  std::string out;
  header(out, a);
  sizes(out, a);
  layers(out, a);
  by_instruction(out, a);
  largest(out, a);
  efficiency(out, a);
  findings(out, a);
  dockerignore(out, a);
  budget(out, a);
  diagnostics(out, a);
  return out;
}

}  // namespace layerscope

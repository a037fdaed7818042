// `analyze --format html`: one self-contained page for a person investigating an image, in
// reading order: the image, its totals, the layers (with a bar for each layer's share), the
// findings, the largest files and directories, and the final filesystem as nested <details>.
// Inline CSS only: no scripts, fonts or URLs, and a Content-Security-Policy that forbids them,
// because every name in the page comes from an untrusted image (each one goes through
// html_escape). The tree is capped (HtmlOptions; html_tree.cc) so that an image of millions of
// entries still gives a page a browser can open. The page is a pure function of the Analysis:
// no clock, ties sorted by name, so the same image gives the same bytes at any -j.
#include <fmt/format.h>

#include <algorithm>

#include "layerscope/report.h"
#include "layerscope_version.h"
#include "report/dive_format.h"
#include "report/html_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

void html_head(std::string& out, const Analysis& a) {
  const ImageInfo& im = a.image;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"layerscope {}\">\n", LAYERSCOPE_VERSION);
  out += fmt::format("<title>layerscope: {}</title>\n<style>{}</style>\n</head>\n<body>\n", html_escape(im.reference),
                     html_style());
  out += fmt::format("<header>\n<h1>{}</h1>\n<dl class=\"meta\">\n", html_escape(im.reference));
  auto row = [&](const char* label, const std::string& value) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", label, html_escape(value));
  };
  row("name", im.name.empty() ? "(untagged)" : im.name);
  row("platform", im.platform);
  row("format", im.transport + " / " + im.layout);
  row("manifest digest", im.manifest_digest.empty() ? "-" : im.manifest_digest);
  row("config digest", im.config_digest);
  row("user", im.config.user.empty() ? "root (no USER)" : im.config.user);
  out += "</dl>\n</header>\n";
}

void html_totals(std::string& out, const Analysis& a) {
  const Totals& t = a.totals;
  const Efficiency& e = a.efficiency;
  out += "<section id=\"totals\">\n<h2>Totals</h2>\n<table class=\"totals\">\n";
  auto row = [&](const char* id, const char* label, const std::string& value, const std::string& note) {
    out += fmt::format("<tr id=\"{}\"><td>{}</td><td class=\"num\">{}</td><td class=\"note\">{}</td></tr>\n", id, label,
                       value, note);
  };
  auto count = [](uint64_t n) { return fmt::format("<span data-value=\"{}\">{}</span>", n, group_thousands(n)); };
  row("total-content", "content", html_bytes(t.content_bytes), "file bytes in all layers (what <code>docker images</code> shows)");
  row("total-compressed", "compressed (pull)", html_bytes(t.compressed_bytes), "layer blobs as stored");
  row("total-final", "final filesystem", html_bytes(t.final_bytes), "file bytes visible in the final tree");
  row("total-files", "files", count(t.files), "regular files in the final tree");
  row("total-layers", "layers", count(t.layers), "");
  row("efficiency-score", "efficiency",
      fmt::format("<span data-value=\"{}\">{} %</span>", go_float(e.score), go_fixed(e.score * 100, 4)),
      "dive-compatible score");
  row("wasted", "wasted", html_bytes(e.wasted_bytes), "every copy of each path written more than once (dive)");
  row("reclaimable", "reclaimable", html_bytes(e.reclaimable_bytes), "hidden by later layers, each byte counted once");
  row("savings", "savings of all findings", html_bytes(a.savings_bytes),
      fmt::format("{} findings, no byte counted twice", a.findings.size()));
  if (a.budget) {
    const BudgetProjection& b = *a.budget;
    row("budget", "budget", html_bytes(b.budget_bytes),
        b.fits_now ? std::string("the content size fits") : "over by " + human_bytes(b.current_bytes - b.budget_bytes));
    row("budget-projected", "after every fix", html_bytes(b.projected_bytes),
        b.fits_after_fixes ? std::string("fits the budget")
                           : "still over by " + human_bytes(b.projected_bytes - b.budget_bytes));
  }
  out += "</table>\n</section>\n";
}

std::string counts(const ChangeCount& c) {
  return fmt::format("<span data-value=\"{}\">{}</span>", c.files, group_thousands(c.files));
}

void html_layers(std::string& out, const Analysis& a) {
  uint64_t largest = 0;
  for (const auto& l : a.layers) largest = std::max(largest, l.content_bytes);
  out += "<section id=\"layers\">\n<h2>Layers</h2>\n<table class=\"layers\">\n";
  out += "<thead><tr><th class=\"num\">#</th><th>instruction</th><th>Dockerfile</th><th class=\"num\">compressed</th>"
         "<th class=\"num\">content</th><th class=\"num\">added</th><th class=\"num\">modified</th>"
         "<th class=\"num\">deleted</th><th>share of the largest layer</th></tr></thead>\n<tbody>\n";
  for (const auto& l : a.layers) {
    std::string line = "-";
    if (l.dockerfile_line > 0) {
      line = fmt::format("line {}", l.dockerfile_line);
      if (l.dockerfile_last_line > l.dockerfile_line) line += fmt::format("-{}", l.dockerfile_last_line);
    }
    out += fmt::format("<tr id=\"layer-{}\"><td class=\"num\">{}</td><td class=\"instr\"><details><summary>{}</summary>\n",
                       l.index, l.index, html_escape(l.instruction));
    out += fmt::format("<dl class=\"meta\"><dt>digest</dt><dd class=\"digest\">{}</dd><dt>diff_id</dt><dd>{}</dd>"
                       "<dt>media type</dt><dd>{}</dd><dt>origin</dt><dd>{}</dd><dt>created_by</dt><dd>{}</dd></dl>",
                       html_escape(l.digest), html_escape(l.diff_id), html_escape(l.media_type), html_escape(l.origin),
                       html_escape(l.created_by.empty() ? "(no history)" : l.created_by));
    out += fmt::format("</details></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                       line, html_bytes(l.compressed_bytes), html_bytes(l.content_bytes), counts(l.added),
                       counts(l.modified), counts(l.deleted), html_bar(l.content_bytes, largest));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

void html_findings(std::string& out, const Analysis& a) {
  out += "<section id=\"findings\">\n<h2>Findings</h2>\n";
  if (a.findings.empty()) out += "<p class=\"note\">none</p>\n";
  for (const auto& f : a.findings) {
    const char* sev = severity_name(f.severity);
    std::string where = f.layer >= 0 ? "layer " + std::to_string(f.layer) : "image config";
    if (f.dockerfile_line > 0) where += ", Dockerfile line " + std::to_string(f.dockerfile_line);
    out += fmt::format("<div class=\"finding {}\">\n<p><span class=\"sev\">{}</span><span class=\"rule\">{}</span> "
                       "<span class=\"note\">{}</span>{}</p>\n",
                       sev, sev, html_escape(f.rule), html_escape(where),
                       f.savings_bytes ? " &#8212; saves " + html_bytes(f.savings_bytes) : std::string());
    if (!f.instruction.empty()) out += fmt::format("<p><code>{}</code></p>\n", html_escape(f.instruction));
    out += fmt::format("<p>{}</p>\n", html_escape(f.message));
    if (!f.paths.empty()) {
      out += "<ul>\n";
      for (const auto& p : f.paths) {
        out += fmt::format("<li><span class=\"sz\">{}</span>{}{}</li>\n", html_bytes(p.bytes), html_escape(p.path),
                           p.note.empty() ? "" : " <span class=\"note\">(" + html_escape(p.note) + ")</span>");
      }
      if (f.path_count > f.paths.size()) {
        out += fmt::format("<li class=\"note\">&#8230; {} more paths</li>\n", group_thousands(f.path_count - f.paths.size()));
      }
      out += "</ul>\n";
    }
    out += fmt::format("<p><strong>fix:</strong> {}</p>\n</div>\n", html_escape(f.fix));
  }
  out += "</section>\n";
}

void html_path_table(std::string& out, const char* id, const char* title, const std::vector<PathBytes>& v, bool files) {
  if (v.empty()) return;
  out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n<table>\n<thead><tr><th class=\"num\">size</th>"
                     "<th class=\"num\">{}</th><th>path</th></tr></thead>\n<tbody>\n",
                     id, title, files ? "layer" : "files");
  for (const auto& p : v) {
    out += fmt::format("<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"path\">{}</td></tr>\n",
                       html_bytes(p.bytes), files ? std::to_string(p.layer) : group_thousands(p.files),
                       html_escape(p.path));
  }
  out += "</tbody>\n</table>\n</section>\n";
}

}  // namespace

std::string render_html(const Analysis& a) { return render_html(a, HtmlOptions{}); }

std::string render_html(const Analysis& a, const HtmlOptions& options) {
  std::string out;
  html_head(out, a);
  out += "<main>\n";
  html_totals(out, a);
  html_layers(out, a);
  html_findings(out, a);
  html_path_table(out, "largest-files", "Largest files", a.largest_files, true);
  html_path_table(out, "largest-dirs", "Largest directories", a.largest_dirs, false);
  html_tree(out, a, options);
  out += fmt::format("</main>\n<footer class=\"note\"><p>layerscope {}; 1 MB = 1,000,000 bytes</p></footer>\n</body>\n</html>\n",
                     LAYERSCOPE_VERSION);
  return out;
}

}  // namespace layerscope

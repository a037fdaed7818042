// `layerscope trend --format svg`: content and compressed size per build as two lines on one
// chart, flagged builds marked with a vertical rule and a labelled marker. One self-contained
// SVG 1.1 document: no scripts, no external fonts or stylesheets, presentation attributes
// only, so it renders the same in a browser, a CI artifact viewer or an <img> tag.
// Deterministic: coordinates are printed with one decimal and nothing depends on the clock.
//
// Builds are spaced evenly along x (build order, not wall time: CI runs are irregular and a
// burst of builds would otherwise pile up). The y axis starts at 0 so growth is not
// exaggerated. Every point carries data-id, data-time and data-bytes attributes and a
// <title>, so the series can be read back by a program as well as by hovering.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "layerscope/history.h"
#include "report/delta_util.h"
#include "util/units.h"

namespace layerscope {

namespace {

constexpr double kWidth = 960, kHeight = 440;
constexpr double kLeft = 80, kRight = 24, kTop = 48, kBottom = 72;
constexpr const char* kContentColor = "#1f77b4";
constexpr const char* kCompressedColor = "#ff7f0e";

std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') out += ' ';
        else out += c;
    }
  }
  return out;
}

std::string num(double v) { return fmt::format("{:.1f}", v); }

// A "nice" axis step (1, 2 or 5 × 10^k) giving at most about six intervals.
uint64_t nice_step(uint64_t max_value) {
  uint64_t raw = std::max<uint64_t>(1, (max_value + 5) / 6);
  uint64_t p = 1;
  while (p * 10 <= raw) p *= 10;
  for (uint64_t m : {1u, 2u, 5u, 10u}) {
    if (p * m >= raw) return p * m;
  }
  return p * 10;
}

const char* event_color(TrendEventKind k) {
  switch (k) {
    case TrendEventKind::kJump: return "#d62728";
    case TrendEventKind::kCreep: return "#9467bd";
    case TrendEventKind::kDrop: return "#2ca02c";
    case TrendEventKind::kNone: break;
  }
  return "#000000";
}

}  // namespace

std::string render_trend_svg(const Trend& t) {
  const size_t n = t.points.size();
  uint64_t max_value = 1;
  for (const auto& p : t.points) max_value = std::max({max_value, p.content_bytes, p.compressed_bytes});
  // 5% headroom so the highest point does not touch the event markers.
  const uint64_t headroom = max_value + max_value / 20;
  const uint64_t step = nice_step(headroom);
  const uint64_t top_value = (headroom + step - 1) / step * step;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto x_of = [&](size_t i) { return n <= 1 ? kLeft + plot_w / 2 : kLeft + plot_w * static_cast<double>(i) / static_cast<double>(n - 1); };
  auto y_of = [&](uint64_t v) {
    return kTop + plot_h - plot_h * static_cast<double>(v) / static_cast<double>(top_value);
  };

  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n",
      kWidth, kHeight);
  out += fmt::format("  <title>Image size of {}</title>\n", esc(t.series));
  out += fmt::format("  <desc>{} builds; content and compressed size in bytes (1 MB = 1,000,000 bytes); flagged builds "
                     "marked ({}).</desc>\n",
                     n, esc(trend_metric_name(t.options.metric)));
  out += fmt::format("  <rect x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", kWidth, kHeight);
  out += fmt::format("  <text x=\"{}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Image size of {}</text>\n", num(kLeft),
                     esc(t.series));

  // Axes and horizontal grid.
  out += "  <g class=\"axis-y\" stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (uint64_t v = 0; v <= top_value; v += step) {
    out += fmt::format("    <line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", num(kLeft), num(y_of(v)), num(kLeft + plot_w),
                       num(y_of(v)));
  }
  out += "  </g>\n  <g class=\"axis-y-labels\" text-anchor=\"end\" fill=\"#333333\">\n";
  for (uint64_t v = 0; v <= top_value; v += step) {
    out += fmt::format("    <text x=\"{}\" y=\"{}\">{}</text>\n", num(kLeft - 8), num(y_of(v) + 4), esc(human_bytes(v)));
  }
  out += "  </g>\n";
  out += fmt::format("  <line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#333333\"/>\n", num(kLeft), num(kTop),
                     num(kTop + plot_h));
  out += fmt::format("  <line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#333333\"/>\n", num(kLeft),
                     num(kTop + plot_h), num(kLeft + plot_w));

  // Date labels on x: at most about 8, at least 80 px apart, always the last build.
  out += "  <g class=\"axis-x-labels\" text-anchor=\"middle\" fill=\"#333333\">\n";
  std::vector<size_t> labelled;
  size_t every = std::max<size_t>(1, (n + 7) / 8);
  for (size_t i = 0; i < n; i += every) labelled.push_back(i);
  if (n > 1 && labelled.back() != n - 1) {
    if (x_of(n - 1) - x_of(labelled.back()) < 80) labelled.back() = n - 1;
    else labelled.push_back(n - 1);
  }
  for (size_t i : labelled) {
    // The last label ends at its tick so it stays inside the picture.
    const char* anchor = n > 1 && i == n - 1 ? " text-anchor=\"end\"" : "";
    out += fmt::format("    <text x=\"{}\" y=\"{}\"{}>{}</text>\n", num(x_of(i)), num(kTop + plot_h + 18), anchor,
                       esc(t.points[i].recorded_at.substr(0, 10)));
  }
  out += "  </g>\n";

  // Flagged builds: a dashed rule across the plot and a marker at the top.
  out += "  <g class=\"events\">\n";
  for (const auto& e : t.events) {
    const TrendPoint& p = t.points[e.point];
    double x = x_of(e.point);
    const char* color = event_color(e.kind);
    out += fmt::format("    <g class=\"event event-{}\" data-id=\"{}\" data-kind=\"{}\" data-delta=\"{}\">\n",
                       trend_event_name(e.kind), p.id, trend_event_name(e.kind), e.delta);
    out += fmt::format("      <title>#{} {}: {} {} ({})</title>\n", p.id, esc(p.recorded_at), trend_event_name(e.kind),
                       esc(human_delta(e.delta)), esc(percent_text(e.percent)));
    out += fmt::format(
        "      <line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" stroke-width=\"1.5\" "
        "stroke-dasharray=\"4 3\"/>\n",
        num(x), num(kTop), num(kTop + plot_h), color);
    out += fmt::format("      <path d=\"M {} {} l -6 -10 l 12 0 z\" fill=\"{}\"/>\n", num(x), num(kTop), color);
    out += fmt::format("      <text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\" font-size=\"10\">{}</text>\n",
                       num(x), num(kTop - 14), color, trend_event_name(e.kind));
    out += "    </g>\n";
  }
  out += "  </g>\n";

  // The two series: a polyline each, then one circle per build.
  auto series = [&](const char* cls, const char* color, uint64_t TrendPoint::*field) {
    std::string pts;
    for (size_t i = 0; i < n; ++i) {
      if (i) pts += ' ';
      pts += num(x_of(i));
      pts += ',';
      pts += num(y_of(t.points[i].*field));
    }
    out += fmt::format("  <g class=\"series series-{}\" data-series=\"{}\">\n", cls, cls);
    out += fmt::format("    <polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color, pts);
    for (size_t i = 0; i < n; ++i) {
      const TrendPoint& p = t.points[i];
      out += fmt::format(
          "    <circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\" data-id=\"{}\" data-time=\"{}\" data-bytes=\"{}\">"
          "<title>#{} {}: {} {}</title></circle>\n",
          num(x_of(i)), num(y_of(p.*field)), color, p.id, esc(p.recorded_at), p.*field, p.id, esc(p.recorded_at), cls,
          esc(human_bytes(p.*field)));
    }
    out += "  </g>\n";
  };
  series("compressed", kCompressedColor, &TrendPoint::compressed_bytes);
  series("content", kContentColor, &TrendPoint::content_bytes);

  // Legend.
  double ly = kHeight - 22;
  out += "  <g class=\"legend\" fill=\"#333333\">\n";
  out += fmt::format("    <line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"/>\n", num(kLeft),
                     num(ly), num(kLeft + 24), kContentColor);
  out += fmt::format("    <text x=\"{}\" y=\"{}\">content</text>\n", num(kLeft + 30), num(ly + 4));
  out += fmt::format("    <line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\" stroke-width=\"2\"/>\n",
                     num(kLeft + 110), num(ly), num(kLeft + 134), kCompressedColor);
  out += fmt::format("    <text x=\"{}\" y=\"{}\">compressed (pull)</text>\n", num(kLeft + 140), num(ly + 4));
  double ex = kLeft + 290;
  for (TrendEventKind k : {TrendEventKind::kJump, TrendEventKind::kCreep, TrendEventKind::kDrop}) {
    out += fmt::format("    <path d=\"M {} {} l -6 -10 l 12 0 z\" fill=\"{}\"/>\n", num(ex), num(ly + 5), event_color(k));
    out += fmt::format("    <text x=\"{}\" y=\"{}\">{}</text>\n", num(ex + 10), num(ly + 4), trend_event_name(k));
    ex += 70;
  }
  out += "  </g>\n</svg>\n";
  return out;
}

}  // namespace layerscope

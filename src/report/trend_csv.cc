// `layerscope trend --format csv`: one row per build for spreadsheets (RFC 4180: comma
// separated, CRLF line ends, fields quoted when they hold a comma, quote or line break).
// Labels are one field, "k=v;k2=v2".
#include <cmath>
#include <cstdio>

#include "layerscope/history.h"

namespace layerscope {

namespace {

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string csv_percent(std::optional<double> p) {
  if (!p) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", std::round(*p * 100.0) / 100.0);
  return buf;
}

}  // namespace

std::string render_trend_csv(const Trend& t) {
  std::string out =
      "id,recorded_at,series,reference,name,content_bytes,compressed_bytes,final_bytes,delta_previous,"
      "percent_previous,baseline,delta_baseline,percent_baseline,event,labels\r\n";
  for (const auto& p : t.points) {
    std::string labels;
    for (const auto& [k, v] : p.labels) labels += (labels.empty() ? "" : ";") + k + "=" + v;
    std::vector<std::string> row = {
        std::to_string(p.id),
        p.recorded_at,
        t.series,
        p.reference,
        p.name,
        std::to_string(p.content_bytes),
        std::to_string(p.compressed_bytes),
        std::to_string(p.final_bytes),
        p.has_previous ? std::to_string(p.delta_previous) : "",
        p.has_previous ? csv_percent(p.percent_previous) : "",
        p.has_baseline ? std::to_string(p.baseline) : "",
        p.has_baseline ? std::to_string(p.delta_baseline) : "",
        p.has_baseline ? csv_percent(p.percent_baseline) : "",
        trend_event_name(p.event),
        labels,
    };
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) out += ',';
      out += field(row[i]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace layerscope

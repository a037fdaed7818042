#include "report/html_util.h"

#include <fmt/format.h>

#include "report/gate_util.h"
#include "util/units.h"

namespace layerscope {

std::string html_escape(std::string_view raw) {
  // Control characters other than tab and line breaks cannot appear in the page (XML drops
  // them); a file name holding one shows U+FFFD there instead, so the reader sees that the
  // name has a character that is not printable rather than a name that looks clean.
  std::string shown;
  shown.reserve(raw.size());
  for (char ch : raw) {
    unsigned char c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || c == 0x7f) shown += "\xEF\xBF\xBD";
    else shown.push_back(ch);
  }
  std::string xml = gate_util::xml_escape(shown, false);
  std::string out;
  out.reserve(xml.size() + 8);
  for (char c : xml) {
    if (c == '"') out += "&quot;";
    else if (c == '\'') out += "&#39;";
    else out.push_back(c);
  }
  return out;
}

std::string html_bytes(uint64_t bytes) {
  return fmt::format("<span class=\"b\" data-bytes=\"{}\" title=\"{} bytes\">{}</span>", bytes,
                     group_thousands(bytes), human_bytes(bytes));
}

std::string html_bar(uint64_t part, uint64_t whole) {
  double pct = whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  return fmt::format("<div class=\"bar\"><span style=\"width:{:.1f}%\"></span></div>", pct);
}

const char* html_style() {
  return R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1280px;padding:0 1em;color:#1b1f24;background:#fff}
h1{font-size:1.4em;word-break:break-all}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #d0d7de}
code,.mono,td.path,li{font-family:ui-monospace,monospace;font-size:13px}
table{border-collapse:collapse;width:100%}th,td{padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}td.path,td.instr{word-break:break-all}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dl.meta dt{color:#57606a}dl.meta dd{margin:0;word-break:break-all}
.totals td:first-child{color:#57606a;width:16em}
.bar{background:#eaeef2;height:10px;min-width:120px;border-radius:2px}.bar span{display:block;height:100%;background:#0969da;border-radius:2px}
.finding{border-left:4px solid #57606a;padding:4px 10px;margin:10px 0;background:#f6f8fa}
.finding.error{border-color:#cf222e}.finding.warning{border-color:#bf8700}.finding.info{border-color:#0969da}
.sev{font-weight:bold;text-transform:uppercase;margin-right:.5em}.rule{font-family:ui-monospace,monospace}
.note{color:#57606a}.cap{background:#fff8c5;padding:4px 8px}
ul.tree{list-style:none;padding-left:1.2em;margin:0}ul.tree li{word-break:break-all}
.sz{display:inline-block;min-width:6.5em;text-align:right;margin-right:.8em;color:#57606a}
summary{cursor:pointer}
)css";
}

}  // namespace layerscope

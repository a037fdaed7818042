// `analyze --all-platforms`: one row per platform in text, and for JSON the array of the
// per-platform reports, each exactly what `analyze --format json --platform P` prints.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "layerscope/inspect.h"
#include "layerscope/report.h"
#include "report/text_util.h"
#include "util/digest.h"
#include "util/units.h"

namespace layerscope {

std::string render_platforms_text(const std::vector<Analysis>& analyses) {
  std::string out;
  if (!analyses.empty()) out += fmt::format("Image      {}\n", analyses.front().image.reference);
  out += fmt::format("           {} platform{}  (1 MB = 1,000,000 bytes)\n\n", analyses.size(),
                     analyses.size() == 1 ? "" : "s");
  out += fmt::format("  {:<20} {:>6} {:>11} {:>11} {:>11} {:>8}  {}\n", "platform", "layers", "compressed", "content",
                     "final", "files", "manifest");
  for (const auto& a : analyses) {
    const Totals& t = a.totals;
    out += fmt::format("  {:<20} {:>6} {:>11} {:>11} {:>11} {:>8}  {}\n", fit(a.image.platform, 20), t.layers,
                       human_bytes(t.compressed_bytes), human_bytes(t.content_bytes), human_bytes(t.final_bytes),
                       group_thousands(t.files), short_digest(a.image.manifest_digest));
  }
  return out;
}

std::string render_platforms_json(const std::vector<Analysis>& analyses) {
  // Parsed back from the single-report renderer so the two can never disagree.
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& a : analyses) arr.push_back(nlohmann::ordered_json::parse(render_json(a)));
  return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace layerscope

// Sentences shared by the text and Markdown trend reports, so both say the same thing.
#pragma once

#include <string>

#include "layerscope/history.h"

namespace layerscope {

// "significant: at least 5% and at least 1.0 MB; baseline: median of the first 5 builds since
// the last flagged change"
std::string trend_rules_text(const TrendOptions& options);

// "jump +300.0 kB (+25.0%) against the previous build #6"
std::string trend_event_text(const Trend& trend, const TrendEvent& event);

// The gate verdict in one line ("" when no gate was asked for).
std::string trend_gate_text(const Trend& trend);

// "k=v k2=v2"
std::string labels_text(const Labels& labels);

}  // namespace layerscope

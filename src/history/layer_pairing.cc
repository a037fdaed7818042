// Layer alignment as a weighted longest-common-subsequence: dynamic programming over the two
// layer lists where a pair scores by tier (same diff_id ≫ same instruction ≫ same keyword).
// Tier weights are powers of (n + 1), so one pair of a higher tier outweighs any number of
// lower-tier pairs and the result is the best alignment tier by tier. O(old × new) time and
// memory; images have at most a few hundred layers.
#include "history/layer_pairing.h"

#include <algorithm>
#include <cstdint>

#include "attrib/instruction.h"
#include "layerscope/error.h"

namespace layerscope {

namespace {

constexpr size_t kMaxLayers = 4096;
constexpr int64_t kNoPair = -1;

bool known_instruction(const std::string& s) { return !s.empty() && s != "(missing)"; }

}  // namespace

std::vector<LayerPairing> pair_layers(const std::vector<LayerKey>& old_layers,
                                      const std::vector<LayerKey>& new_layers) {
  const size_t n = old_layers.size();
  const size_t m = new_layers.size();
  if (n > kMaxLayers || m > kMaxLayers) {
    throw Error(ErrorKind::kLimit, "cannot compare images with more than " + std::to_string(kMaxLayers) + " layers");
  }
  const int64_t base = static_cast<int64_t>(std::max(n, m)) + 1;
  const int64_t kKeyword = 1, kInstruction = base, kSameLayer = base * base;

  std::vector<std::string> old_kw(n), new_kw(m);
  for (size_t i = 0; i < n; ++i) old_kw[i] = instruction_keyword(old_layers[i].instruction);
  for (size_t j = 0; j < m; ++j) new_kw[j] = instruction_keyword(new_layers[j].instruction);
  auto weight = [&](size_t i, size_t j) -> int64_t {
    const LayerKey& a = old_layers[i];
    const LayerKey& b = new_layers[j];
    if (!a.diff_id.empty() && a.diff_id == b.diff_id) return kSameLayer;
    if (known_instruction(a.instruction) && a.instruction == b.instruction) return kInstruction + kKeyword;
    if (old_kw[i] == new_kw[j]) return kKeyword;
    return kNoPair;
  };

  // best[i][j]: the best score aligning old[i..] with new[j..] (suffixes, so the traceback
  // walks forward and prefers pairing early layers, i.e. by position).
  std::vector<int64_t> best((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> int64_t& { return best[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      int64_t v = std::max(at(i + 1, j), at(i, j + 1));
      int64_t w = weight(i, j);
      if (w != kNoPair) v = std::max(v, w + at(i + 1, j + 1));
      at(i, j) = v;
    }
  }

  std::vector<LayerPairing> out;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m) {
      int64_t w = weight(i, j);
      if (w != kNoPair && at(i, j) == w + at(i + 1, j + 1)) {
        out.push_back({static_cast<int>(i++), static_cast<int>(j++)});
        continue;
      }
      if (at(i, j) == at(i + 1, j)) {
        out.push_back({static_cast<int>(i++), -1});
        continue;
      }
      out.push_back({-1, static_cast<int>(j++)});
      continue;
    }
    if (i < n) out.push_back({static_cast<int>(i++), -1});
    else out.push_back({-1, static_cast<int>(j++)});
  }
  return out;
}

}  // namespace layerscope

#include "layer/cost_map.h"

#include <algorithm>

namespace layerscope {

size_t CheckpointTee::read(uint8_t* buf, size_t cap) {
  // Ask for at most one spacing's worth, so every checkpoint is at most that far apart.
  size_t n = decoder_.read(buf, std::min<size_t>(cap, kSpacing));
  out_ += n;
  if (n && out_ - last_ >= kSpacing) {
    points_.emplace_back(out_, decoder_.compressed_consumed());
    last_ = out_;
  }
  return n;
}

CostMap::CostMap(const Checkpoints& points, uint64_t tar_bytes, uint64_t blob_bytes) {
  points_.emplace_back(0, 0);
  for (const auto& p : points) {
    // Keep the map monotonic and inside the known bounds, whatever the decoder reported.
    if (p.first <= points_.back().first || p.first >= tar_bytes) continue;
    uint64_t c = std::clamp(p.second, points_.back().second, blob_bytes);
    points_.emplace_back(p.first, c);
  }
  points_.emplace_back(tar_bytes, blob_bytes);
}

uint64_t CostMap::at(uint64_t x) const {
  if (x >= points_.back().first) return points_.back().second;
  auto it = std::upper_bound(points_.begin(), points_.end(), x,
                             [](uint64_t v, const std::pair<uint64_t, uint64_t>& p) { return v < p.first; });
  const auto& hi = *it;
  const auto& lo = *(it - 1);
  unsigned __int128 span = hi.second - lo.second;
  return lo.second + static_cast<uint64_t>(span * (x - lo.first) / (hi.first - lo.first));
}

}  // namespace layerscope

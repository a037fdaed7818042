// Which layer of OLD corresponds to which layer of NEW. Layers with the same diff_id are the
// same bytes (a shared base, an unchanged step); the rest are paired by position and
// instruction so that "RUN pip install -r req.txt" in both builds reads as one layer that
// changed rather than one removed and one added.
#pragma once

#include <string>
#include <vector>

namespace layerscope {

struct LayerKey {
  std::string diff_id;
  std::string instruction;  // cleaned ("RUN apt-get …"), "(missing)" when unknown
};

struct LayerPairing {
  int old_index = -1;  // -1: the layer exists only in NEW
  int new_index = -1;  // -1: only in OLD
};

// The alignment of the two layer lists, in layer order (a removed OLD layer comes before an
// added NEW layer in the same gap). It maximises, in strict priority: pairs with the same
// diff_id, then pairs with the same instruction text, then pairs with the same Dockerfile
// keyword; layers with different keywords are never paired. Pairs never cross, so the
// order of both images is kept. Throws Error(kLimit) beyond 4096 layers on one side.
std::vector<LayerPairing> pair_layers(const std::vector<LayerKey>& old_layers,
                                      const std::vector<LayerKey>& new_layers);

}  // namespace layerscope

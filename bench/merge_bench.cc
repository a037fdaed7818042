// merge_layers and dive's efficiency model over the synthetic 9-layer stack (about 45,000
// entries with whiteouts, opaque directories and overwrites). Items are the layers' entries.
#include <benchmark/benchmark.h>

#include "attrib/dive_efficiency.h"
#include "layerscope/merge.h"
#include "synthetic.h"

using namespace layerscope;

namespace {

template <typename Pass>
void BM_LayerStack(benchmark::State& state, Pass pass) {
  const lsbench::LayerStack& stack = lsbench::layer_stack();
  for (auto _ : state) {
    auto result = pass(stack.pointers);
    benchmark::DoNotOptimize(result);
  }
  state.SetLabel(std::to_string(stack.layers.size()) + " layers, " + std::to_string(stack.entries) + " entries");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * stack.entries));
}
BENCHMARK_CAPTURE(BM_LayerStack, merge_layers, &merge_layers)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_LayerStack, dive_efficiency, &dive_efficiency)->Unit(benchmark::kMillisecond);

}  // namespace

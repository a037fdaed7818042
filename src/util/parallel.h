// The one concurrency primitive the core needs: run `fn(i)` for i in [0, n) on up to `jobs`
// threads, each thread pulling the next index. Results go into slots indexed by i, so the
// outcome never depends on scheduling (the -j1 == -jN guarantee). An exception escaping fn is
// captured per index; the caller decides what to do with it.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <vector>

namespace layerscope {

// Returns one exception_ptr per index (null when fn(i) succeeded).
std::vector<std::exception_ptr> parallel_for(size_t n, unsigned jobs,
                                             const std::function<void(size_t)>& fn);

unsigned default_jobs();  // number of online CPUs, at least 1

}  // namespace layerscope

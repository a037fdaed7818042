#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace layerscope {

std::vector<std::exception_ptr> parallel_for(size_t n, unsigned jobs,
                                             const std::function<void(size_t)>& fn) {
  std::vector<std::exception_ptr> errors(n);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (;;) {
      size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        fn(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  unsigned threads = static_cast<unsigned>(std::min<size_t>(std::max(1u, jobs), n));
  if (threads <= 1) {
    worker();
    return errors;
  }
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  return errors;
}

unsigned default_jobs() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

}  // namespace layerscope

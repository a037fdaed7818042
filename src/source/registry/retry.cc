#include "source/registry/retry.h"

#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

namespace layerscope::registry {

std::chrono::milliseconds RetryPolicy::delay(unsigned failures, const std::string& retry_after) const {
  // Retry-After as delta-seconds (RFC 9110 10.2.3); an HTTP-date falls back to the backoff.
  if (!retry_after.empty() && std::all_of(retry_after.begin(), retry_after.end(),
                                          [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    long long seconds = retry_after.size() > 6 ? 1'000'000 : std::stoll(retry_after);
    return std::min<std::chrono::milliseconds>(max_retry_after, std::chrono::milliseconds(seconds * 1000));
  }
  unsigned shift = std::min(failures > 0 ? failures - 1 : 0u, 16u);
  std::chrono::milliseconds d = std::min<std::chrono::milliseconds>(max_delay, base * (1LL << shift));
  thread_local std::minstd_rand rng{std::random_device{}()};
  std::uniform_int_distribution<long long> jitter(0, d.count() / 4);
  return d + std::chrono::milliseconds(jitter(rng));
}

bool retryable_status(long status) { return status == 408 || status == 429 || (status >= 500 && status <= 599); }

bool retryable_failure(TransportFailure kind) {
  return kind == TransportFailure::kConnect || kind == TransportFailure::kTimeout || kind == TransportFailure::kReset;
}

void wait_for(std::chrono::milliseconds delay) {
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
}

}  // namespace layerscope::registry

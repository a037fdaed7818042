// When to try a registry request again and how long to wait first. Transient failures are
// connection resets and refusals, timeouts and stalls, 5xx answers, 408 and 429
// (TOOMANYREQUESTS; its Retry-After is honoured, capped). The wait doubles from `base`
// up to `max_delay`, with up to 25% random jitter so parallel layer streams that failed
// together do not come back together.
#pragma once

#include <chrono>
#include <string>

#include "source/registry/http_client.h"

namespace layerscope::registry {

struct RetryPolicy {
  unsigned max_attempts = 5;  // per request, counting the first
  std::chrono::milliseconds base{200};
  std::chrono::milliseconds max_delay{8000};
  std::chrono::milliseconds max_retry_after{30000};

  // Delay before attempt number `failures` + 1; `retry_after` is the header value or "".
  std::chrono::milliseconds delay(unsigned failures, const std::string& retry_after = "") const;
};

bool retryable_status(long status);
bool retryable_failure(TransportFailure kind);

// Sleeps on the calling thread.
void wait_for(std::chrono::milliseconds delay);

}  // namespace layerscope::registry

#include "queue/retry_policy.h"

#include <sodium.h>

#include <algorithm>

namespace sealbox::queue {

std::int64_t next_attempt_time(const RetryPolicy& policy, int attempts, std::int64_t now) {
    std::int64_t interval = policy.first_retry.count();
    for (int i = 1; i < attempts && interval < policy.max_interval.count(); ++i) {
        interval *= 2;
    }
    interval = std::clamp<std::int64_t>(interval, 1, policy.max_interval.count());
    auto spread = static_cast<std::int64_t>(interval / 10);
    if (spread > 0) {
        interval += randombytes_uniform(
            static_cast<std::uint32_t>(std::min<std::int64_t>(spread, UINT32_MAX)));
    }
    return now + interval;
}

bool has_expired(const RetryPolicy& policy, std::int64_t created, std::int64_t now) {
    return now - created >= policy.max_age.count();
}

}  // namespace sealbox::queue

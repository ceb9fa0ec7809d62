#pragma once
// When to try a deferred recipient again, and when to give up (RFC 5321 §4.5.4.1: retry for at
// least 4-5 days, with growing intervals).

#include <chrono>
#include <cstdint>

namespace sealbox::queue {

struct RetryPolicy {
    std::chrono::seconds first_retry = std::chrono::minutes(5);
    std::chrono::seconds max_interval = std::chrono::hours(4);
    std::chrono::seconds max_age = std::chrono::hours(24 * 5);
    std::chrono::seconds delay_warning = std::chrono::hours(4);  // NOTIFY=DELAY DSN after this
};

// The time of the next attempt after `attempts` failed ones (1 or more): first_retry doubled for
// each further attempt, capped at max_interval, with up to 10% random spread so that a backlog
// does not retry in lock-step.
std::int64_t next_attempt_time(const RetryPolicy& policy, int attempts, std::int64_t now);

// Whether a message queued at `created` has been tried long enough.
bool has_expired(const RetryPolicy& policy, std::int64_t created, std::int64_t now);

}  // namespace sealbox::queue

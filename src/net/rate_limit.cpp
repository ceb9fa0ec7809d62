#include "net/rate_limit.h"

namespace sealbox::net {

bool RateLimit::try_acquire(std::string_view key, Clock::time_point now) {
    if (limit_ <= 0) {
        return true;
    }
    std::lock_guard lock(mutex_);
    forget_idle(now);
    auto it = keys_.find(key);
    if (it == keys_.end()) {
        it = keys_.emplace(std::string(key), Windows{now, 0, 0}).first;
    }
    Windows& w = it->second;
    auto elapsed = now - w.start;
    if (elapsed >= 2 * window_) {
        w = Windows{now, 0, 0};
        elapsed = Clock::duration::zero();
    } else if (elapsed >= window_) {
        w = Windows{w.start + window_, 0, w.current};
        elapsed -= window_;
    }
    double overlap = 1.0 - std::chrono::duration<double>(elapsed) / window_;
    double estimate = w.previous * overlap + w.current;
    if (estimate + 1 > limit_) {
        return false;
    }
    ++w.current;
    return true;
}

// Keys silent for two windows count nothing any more; dropping them bounds the memory.
void RateLimit::forget_idle(Clock::time_point now) {
    if (now - last_sweep_ < window_) {
        return;
    }
    last_sweep_ = now;
    std::erase_if(keys_,
                  [&](const auto& entry) { return now - entry.second.start >= 2 * window_; });
}

}  // namespace sealbox::net

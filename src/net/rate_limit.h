#pragma once
// Events per key over a sliding window, e.g. messages one account submits per hour. The window
// is approximated by two fixed windows, the previous one weighted by how much of it still
// overlaps the sliding window: O(1) memory per key, and never more than the limit plus one
// window's rounding. Thread-safe: sessions on every I/O thread share one.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sealbox::net {

class RateLimit {
  public:
    using Clock = std::chrono::steady_clock;

    // `limit` events per `window`; 0 means no limit.
    RateLimit(int limit, Clock::duration window) : limit_(limit), window_(window) {}

    // Counts one event for `key` and returns true, or returns false (counting nothing) when the
    // key has reached its limit.
    bool try_acquire(std::string_view key, Clock::time_point now = Clock::now());

  private:
    struct Windows {
        Clock::time_point start;  // of the current fixed window
        int current = 0;
        int previous = 0;
    };
    void forget_idle(Clock::time_point now);

    int limit_;
    Clock::duration window_;
    std::mutex mutex_;
    std::map<std::string, Windows, std::less<>> keys_;
    Clock::time_point last_sweep_;
};

}  // namespace sealbox::net

#pragma once
// Slows password guessing, shared by every protocol: after a few failures from one client
// address or against one account, each further attempt waits longer (doubling up to a cap);
// an address that keeps failing is banned for a while. Accounts are only slowed, never banned,
// so that an attacker cannot lock a user out of their own mailbox.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace sealbox::net {

struct AuthThrottleOptions {
    int free_failures = 3;  // failures before any delay
    std::chrono::milliseconds first_delay = std::chrono::seconds(1);
    std::chrono::milliseconds max_delay = std::chrono::seconds(30);
    int ban_after = 10;  // failures from one address before its ban
    std::chrono::milliseconds ban_duration = std::chrono::minutes(15);
    std::chrono::milliseconds forget_after = std::chrono::hours(1);  // since the last failure
};

class AuthThrottle {
public:
    using Clock = std::chrono::steady_clock;

    explicit AuthThrottle(AuthThrottleOptions options = {}) : options_(options) {}

    struct Verdict {
        bool banned = false;
        std::chrono::milliseconds delay{0};  // wait this long before checking the password
    };
    Verdict before_attempt(std::string_view ip, std::string_view account,
                           Clock::time_point now = Clock::now());
    // Returns true when this failure started a ban of the address (log it once, then).
    bool failed(std::string_view ip, std::string_view account, Clock::time_point now = Clock::now());
    void succeeded(std::string_view ip, std::string_view account);

private:
    struct Record {
        int failures = 0;
        Clock::time_point last_failure;
        Clock::time_point banned_until;
    };
    std::chrono::milliseconds delay_for(const Record* record) const;
    Record* find(std::map<std::string, Record, std::less<>>& map, std::string_view key,
                 Clock::time_point now);
    void forget_old(Clock::time_point now);

    AuthThrottleOptions options_;
    std::mutex mutex_;
    std::map<std::string, Record, std::less<>> by_ip_;
    std::map<std::string, Record, std::less<>> by_account_;
    Clock::time_point last_sweep_;
};

}  // namespace sealbox::net

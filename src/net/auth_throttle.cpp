#include "net/auth_throttle.h"

#include <algorithm>

namespace sealbox::net {

AuthThrottle::Record* AuthThrottle::find(std::map<std::string, Record, std::less<>>& map,
                                         std::string_view key, Clock::time_point now) {
    auto it = map.find(key);
    if (it == map.end()) {
        return nullptr;
    }
    if (now - it->second.last_failure > options_.forget_after && it->second.banned_until <= now) {
        map.erase(it);
        return nullptr;
    }
    return &it->second;
}

std::chrono::milliseconds AuthThrottle::delay_for(const Record* record) const {
    if (!record || record->failures < options_.free_failures) {
        return std::chrono::milliseconds(0);
    }
    int doublings = std::min(record->failures - options_.free_failures, 20);
    auto delay = options_.first_delay * (1LL << doublings);
    return std::min<std::chrono::milliseconds>(delay, options_.max_delay);
}

AuthThrottle::Verdict AuthThrottle::before_attempt(std::string_view ip, std::string_view account,
                                                   Clock::time_point now) {
    std::lock_guard lock(mutex_);
    Record* by_ip = find(by_ip_, ip, now);
    if (by_ip && by_ip->banned_until > now) {
        return {true, {}};
    }
    Record* by_account = find(by_account_, account, now);
    return {false, std::max(delay_for(by_ip), delay_for(by_account))};
}

bool AuthThrottle::failed(std::string_view ip, std::string_view account, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    forget_old(now);
    Record& by_ip = by_ip_[std::string(ip)];
    by_ip.failures++;
    by_ip.last_failure = now;
    bool ban_starts = false;
    if (by_ip.failures >= options_.ban_after && by_ip.banned_until <= now) {
        by_ip.banned_until = now + options_.ban_duration;
        by_ip.failures = 0;
        ban_starts = true;
    }
    if (!account.empty()) {
        Record& by_account = by_account_[std::string(account)];
        by_account.failures++;
        by_account.last_failure = now;
    }
    return ban_starts;
}

void AuthThrottle::succeeded(std::string_view ip, std::string_view account) {
    std::lock_guard lock(mutex_);
    if (auto it = by_ip_.find(ip); it != by_ip_.end() && it->second.banned_until <= Clock::now()) {
        by_ip_.erase(it);
    }
    if (auto it = by_account_.find(account); it != by_account_.end()) {
        by_account_.erase(it);
    }
}

// Bounded memory under a spray of addresses: records older than forget_after go, at most once a
// minute.
void AuthThrottle::forget_old(Clock::time_point now) {
    if (now - last_sweep_ < std::chrono::minutes(1)) {
        return;
    }
    last_sweep_ = now;
    for (auto* map : {&by_ip_, &by_account_}) {
        std::erase_if(*map, [&](const auto& entry) {
            return now - entry.second.last_failure > options_.forget_after &&
                   entry.second.banned_until <= now;
        });
    }
}

}  // namespace sealbox::net

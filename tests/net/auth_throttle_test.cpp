#include "net/auth_throttle.h"

#include <gtest/gtest.h>

namespace sealbox::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

AuthThrottleOptions options() {
    AuthThrottleOptions o;
    o.free_failures = 2;
    o.first_delay = seconds(1);
    o.max_delay = seconds(8);
    o.ban_after = 6;
    o.ban_duration = std::chrono::minutes(10);
    o.forget_after = std::chrono::hours(1);
    return o;
}

TEST(AuthThrottle, DelayGrowsAfterTheFreeFailuresUpToTheCap) {
    AuthThrottle t(options());
    auto now = AuthThrottle::Clock::now();
    EXPECT_EQ(t.before_attempt("192.0.2.1", "alice", now).delay, milliseconds(0));
    std::vector<milliseconds> delays;
    for (int i = 0; i < 5; ++i) {
        t.failed("192.0.2.1", "alice", now);
        delays.push_back(t.before_attempt("192.0.2.1", "alice", now).delay);
    }
    EXPECT_EQ(delays, (std::vector<milliseconds>{milliseconds(0), seconds(1), seconds(2),
                                                 seconds(4), seconds(8)}));
}

TEST(AuthThrottle, AnAddressIsBannedOnceAndTheBanEnds) {
    AuthThrottle t(options());
    auto now = AuthThrottle::Clock::now();
    int bans = 0;
    for (int i = 0; i < 6; ++i) {
        bans += t.failed("192.0.2.1", "user" + std::to_string(i), now) ? 1 : 0;
    }
    EXPECT_EQ(bans, 1);
    EXPECT_TRUE(t.before_attempt("192.0.2.1", "anyone", now).banned);
    EXPECT_FALSE(t.before_attempt("192.0.2.2", "anyone", now).banned);
    EXPECT_FALSE(t.before_attempt("192.0.2.1", "anyone", now + std::chrono::minutes(11)).banned);
}

TEST(AuthThrottle, AnAccountIsSlowedFromEveryAddressButNeverBanned) {
    AuthThrottle t(options());
    auto now = AuthThrottle::Clock::now();
    for (int i = 0; i < 20; ++i) {
        t.failed("198.51.100." + std::to_string(i), "alice", now);
    }
    auto verdict = t.before_attempt("203.0.113.9", "alice", now);
    EXPECT_FALSE(verdict.banned);
    EXPECT_EQ(verdict.delay, seconds(8));
    EXPECT_EQ(t.before_attempt("203.0.113.9", "bob", now).delay, milliseconds(0));
}

TEST(AuthThrottle, SuccessClearsAndOldFailuresAreForgotten) {
    AuthThrottle t(options());
    auto now = AuthThrottle::Clock::now();
    for (int i = 0; i < 4; ++i) {
        t.failed("192.0.2.1", "alice", now);
    }
    EXPECT_GT(t.before_attempt("192.0.2.1", "alice", now).delay, milliseconds(0));
    EXPECT_EQ(t.before_attempt("192.0.2.1", "alice", now + std::chrono::hours(2)).delay,
              milliseconds(0));
    t.succeeded("192.0.2.1", "alice");
    EXPECT_EQ(t.before_attempt("192.0.2.1", "alice", now).delay, milliseconds(0));
}

}  // namespace
}  // namespace sealbox::net

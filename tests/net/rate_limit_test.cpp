#include "net/rate_limit.h"

#include <gtest/gtest.h>

namespace sealbox::net {
namespace {

using namespace std::chrono_literals;

TEST(RateLimit, AllowsTheLimitPerWindowAndPerKey) {
    RateLimit limit(3, 1h);
    auto t0 = RateLimit::Clock::time_point{} + 100h;
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limit.try_acquire("alice", t0 + std::chrono::minutes(i)));
    }
    EXPECT_FALSE(limit.try_acquire("alice", t0 + 10min));
    EXPECT_TRUE(limit.try_acquire("bob", t0 + 10min));
    // Half an hour into the next window half of the old events still count: 1.5 + 0 + 1 <= 3.
    EXPECT_TRUE(limit.try_acquire("alice", t0 + 90min));
    EXPECT_FALSE(limit.try_acquire("alice", t0 + 91min));
    // Two silent windows later everything is forgotten.
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(limit.try_acquire("alice", t0 + 5h));
    }
    EXPECT_FALSE(limit.try_acquire("alice", t0 + 5h));
}

TEST(RateLimit, ZeroMeansUnlimited) {
    RateLimit limit(0, 1h);
    for (int i = 0; i < 10000; ++i) {
        ASSERT_TRUE(limit.try_acquire("alice"));
    }
}

}  // namespace
}  // namespace sealbox::net

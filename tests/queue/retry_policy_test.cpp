#include "queue/retry_policy.h"

#include <gtest/gtest.h>

namespace sealbox::queue {
namespace {

TEST(RetryPolicy, IntervalsDoubleUpToTheCapWithBoundedSpread) {
    RetryPolicy p;  // 5 minutes first, 4 hours at most
    for (int run = 0; run < 50; ++run) {
        auto first = next_attempt_time(p, 1, 0);
        EXPECT_GE(first, 300);
        EXPECT_LT(first, 330);
        auto third = next_attempt_time(p, 3, 0);
        EXPECT_GE(third, 1200);
        EXPECT_LT(third, 1320);
        auto late = next_attempt_time(p, 40, 1000);
        EXPECT_GE(late, 1000 + 4 * 3600);
        EXPECT_LT(late, 1000 + 4 * 3600 + 1440);
    }
}

TEST(RetryPolicy, ExpiresAfterMaxAge) {
    RetryPolicy p;
    EXPECT_FALSE(has_expired(p, 0, 5 * 86400 - 1));
    EXPECT_TRUE(has_expired(p, 0, 5 * 86400));
}

}  // namespace
}  // namespace sealbox::queue

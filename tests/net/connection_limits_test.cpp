#include "net/connection_limits.h"

#include <gtest/gtest.h>

namespace sealbox::net {
namespace {

TEST(ConnectionLimits, PerAddressAndTotalLimitsAndRelease) {
    auto limits = ConnectionLimits::create(3, 2);
    auto a1 = limits->admit("192.0.2.1");
    auto a2 = limits->admit("192.0.2.1");
    EXPECT_TRUE(a1 && a2);
    EXPECT_FALSE(limits->admit("192.0.2.1"));
    auto b1 = limits->admit("192.0.2.2");
    EXPECT_TRUE(b1);
    EXPECT_FALSE(limits->admit("192.0.2.3"));
    EXPECT_EQ(limits->open_connections(), 3);
    a1.reset();
    EXPECT_EQ(limits->open_connections(), 2);
    EXPECT_TRUE(limits->admit("192.0.2.1"));  // admitted and released at once
    EXPECT_EQ(limits->open_connections(), 2);
}

}  // namespace
}  // namespace sealbox::net

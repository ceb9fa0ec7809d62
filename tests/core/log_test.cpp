#include "core/log.h"

#include <gtest/gtest.h>

namespace sealbox {
namespace {

TEST(LoggableIp, FullKeepsTheAddress) {
    EXPECT_EQ(loggable_ip("192.0.2.77", ClientIpLogging::full), "192.0.2.77");
}

TEST(LoggableIp, TruncatedKeepsTheNetworkOnly) {
    EXPECT_EQ(loggable_ip("192.0.2.77", ClientIpLogging::truncated), "192.0.2.0");
    EXPECT_EQ(loggable_ip("2001:db8:1234:5678::9", ClientIpLogging::truncated), "2001:db8:1234::");
    EXPECT_EQ(loggable_ip("not an address", ClientIpLogging::truncated), "?");
}

TEST(LoggableIp, HashedIsStableWithinARunAndHidesTheAddress) {
    std::string a = loggable_ip("192.0.2.77", ClientIpLogging::hashed);
    EXPECT_EQ(a, loggable_ip("192.0.2.77", ClientIpLogging::hashed));
    EXPECT_NE(a, loggable_ip("192.0.2.78", ClientIpLogging::hashed));
    EXPECT_EQ(a.find("192.0.2"), std::string::npos);  // hex digits may spell "192" by chance
    EXPECT_EQ(a.rfind("ip-", 0), 0U);
    EXPECT_EQ(a.size(), 19U);
}

TEST(LoggableIp, InitLoggingSetsTheModeUsedByDefault) {
    LogConfig config;
    config.level = "off";
    config.client_ip = ClientIpLogging::truncated;
    init_logging(config);
    EXPECT_EQ(loggable_ip("198.51.100.9"), "198.51.100.0");
    config.client_ip = ClientIpLogging::full;
    init_logging(config);
    EXPECT_EQ(loggable_ip("198.51.100.9"), "198.51.100.9");
}

}  // namespace
}  // namespace sealbox

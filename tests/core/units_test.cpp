#include "core/units.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sealbox {
namespace {

TEST(Units, ParsesSizes) {
    EXPECT_EQ(parse_size("0"), 0U);
    EXPECT_EQ(parse_size("140"), 140U);
    EXPECT_EQ(parse_size("140B"), 140U);
    EXPECT_EQ(parse_size("64K"), 65536U);
    EXPECT_EQ(parse_size("64KiB"), 65536U);
    EXPECT_EQ(parse_size("10M"), 10U << 20);
    EXPECT_EQ(parse_size("1G"), 1ULL << 30);
    EXPECT_EQ(parse_size("2 T"), 2ULL << 40);
}

TEST(Units, RefusesBadSizes) {
    for (const char* bad : {"", "M", "-1", "1.5G", "12Q", "10 MB extra", "99999999999999999999",
                            "99999999999T"}) {
        EXPECT_THROW(parse_size(bad), Error) << bad;
    }
}

TEST(Units, FormatsSizes) {
    EXPECT_EQ(format_size(140), "140B");
    EXPECT_EQ(format_size(1536), "1.5K");
    EXPECT_EQ(format_size(10ULL << 20), "10.0M");
    EXPECT_EQ(format_size(1ULL << 30), "1.0G");
    EXPECT_EQ(format_size(3ULL << 40), "3.0T");
}

TEST(Units, ParsesDurations) {
    EXPECT_EQ(parse_duration("500ms"), std::chrono::milliseconds(500));
    EXPECT_EQ(parse_duration("30"), std::chrono::seconds(30));
    EXPECT_EQ(parse_duration("30s"), std::chrono::seconds(30));
    EXPECT_EQ(parse_duration("15m"), std::chrono::minutes(15));
    EXPECT_EQ(parse_duration("2h"), std::chrono::hours(2));
    EXPECT_EQ(parse_duration("7d"), std::chrono::hours(24 * 7));
    for (const char* bad : {"", "m", "15 minutes", "-3s", "1.5h", "99999999999999999999d"}) {
        EXPECT_THROW(parse_duration(bad), Error) << bad;
    }
}

}  // namespace
}  // namespace sealbox

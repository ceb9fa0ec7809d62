#include "imap/proto/sequence_set.h"

#include <gtest/gtest.h>

#include <vector>

namespace sealbox::imap {
namespace {

TEST(SequenceSet, ParsesRangesStarsAndSavedResult) {
    auto set = parse_sequence_set("1:*,5,7:9,$");
    ASSERT_TRUE(set);
    EXPECT_EQ(set->ranges, (std::vector<SequenceRange>{{1, kStar}, {5, 5}, {7, 9}}));
    EXPECT_TRUE(set->saved_result);
    EXPECT_EQ(set->str(), "1:*,5,7:9,$");
    auto saved = parse_sequence_set("$");  // RFC 5182 §2.1
    ASSERT_TRUE(saved);
    EXPECT_TRUE(saved->ranges.empty());
    EXPECT_EQ(saved->str(), "$");
}

TEST(SequenceSet, RejectsMalformed) {
    for (const char* bad :
         {"", "0", "1:", ":2", "1,,2", "1:0", "4294967296", "1 2", "a", "1,", "-1", "1:2:3"}) {
        EXPECT_FALSE(parse_sequence_set(bad)) << bad;
    }
    EXPECT_TRUE(parse_sequence_set("4294967295"));
}

TEST(SequenceSet, CompressesNumbers) {
    std::vector<std::uint32_t> uids = {9, 1, 2, 3, 7, 10, 3};
    EXPECT_EQ(compress_numbers(uids), "1:3,7,9:10");
    EXPECT_EQ(compress_numbers(std::vector<std::uint32_t>{}), "");
    std::vector<std::uint32_t> edge = {4294967295u, 4294967294u};
    EXPECT_EQ(compress_numbers(edge), "4294967294:4294967295");
}

}  // namespace
}  // namespace sealbox::imap

// RFC 6376 §3.2 tag-lists, as DKIM, ARC and DMARC records write them.
#include "mailauth/tag_list.h"

#include <gtest/gtest.h>

#include <string>

namespace sealbox::mailauth {
namespace {

TEST(TagList, ReadsTagsWithFoldingWhitespaceAroundThem) {
    auto list =
        TagList::parse("v=1; a=rsa-sha256;\r\n\td=example.net; s=brisbane;\r\n h=from : to");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->tags().size(), 5U);
    EXPECT_EQ(list->find("d"), "example.net");
    EXPECT_EQ(list->find("h"), "from : to");  // inner whitespace is the value's own
    EXPECT_FALSE(list->find("D"));            // names are case-sensitive
    EXPECT_FALSE(list->find("x"));
}

TEST(TagList, AllowsTrailingSemicolonAndEmptyValues) {
    auto list = TagList::parse("v=DKIM1; p=; ");
    ASSERT_TRUE(list);
    EXPECT_EQ(list->find("p"), "");
    EXPECT_TRUE(TagList::parse(""));
    EXPECT_TRUE(TagList::parse("  "));
}

TEST(TagList, RefusesWhatIsNotATagList) {
    for (std::string bad : {"v=1; v=2", "=x", "1a=b", "a", "a=b;;c=d", ";", "a=b c\x01",
                            "a=\xc3\xa9", "a=b\r\nc=d", "a=b\nc", "a b=c"}) {
        EXPECT_FALSE(TagList::parse(bad)) << bad;
    }
}

}  // namespace
}  // namespace sealbox::mailauth

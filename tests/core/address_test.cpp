#include "core/address.h"

#include <gtest/gtest.h>

namespace sealbox {
namespace {

TEST(Address, ParsesAndNormalisesTheDomainOnly) {
    auto a = parse_address("Alice.Smith+tag@Example.ORG.");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->local_part, "Alice.Smith+tag");
    EXPECT_EQ(a->domain, "example.org");
    EXPECT_EQ(address_key(*a), "alice.smith+tag@example.org");
    EXPECT_EQ(a->str(), "Alice.Smith+tag@example.org");
}

TEST(Address, AcceptsUtf8PerRfc6531) {
    auto a = parse_address("δοκιμή@παράδειγμα.δοκιμή");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->domain, "παράδειγμα.δοκιμή");
}

TEST(Address, RefusesMalformedAddresses) {
    for (const char* bad : {"", "@example.org", "alice@", "alice", "al ice@example.org",
                            ".alice@example.org", "alice.@example.org", "a..b@example.org",
                            "alice@-example.org", "alice@exa_mple.org", "alice@example..org",
                            "\"quoted\"@example.org", "alice@exam ple.org", "a\r\nb@example.org"}) {
        EXPECT_FALSE(parse_address(bad)) << bad;
    }
    EXPECT_FALSE(parse_address(std::string(65, 'a') + "@example.org"));
    EXPECT_TRUE(parse_address(std::string(64, 'a') + "@example.org"));
    EXPECT_FALSE(parse_address("a@" + std::string(64, 'b') + ".org"));
}

TEST(Address, NormalizeDomain) {
    EXPECT_EQ(normalize_domain("MAIL.Example.COM"), "mail.example.com");
    EXPECT_EQ(normalize_domain("xn--bcher-kva.example"), "xn--bcher-kva.example");
    EXPECT_FALSE(normalize_domain(""));
    EXPECT_FALSE(normalize_domain("."));
    EXPECT_FALSE(normalize_domain("a b.com"));
    EXPECT_FALSE(normalize_domain(std::string(256, 'a')));
}

}  // namespace
}  // namespace sealbox

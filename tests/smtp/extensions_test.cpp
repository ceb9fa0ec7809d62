#include "smtp/proto/extensions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sealbox::smtp {
namespace {

Extensions ehlo(std::vector<std::string> lines) {
    return parse_ehlo(Reply{250, "", std::move(lines)});
}

TEST(Extensions, ReadsEveryExtensionSealboxUses) {
    auto e = ehlo({"mx.example.net Hello client.example", "PIPELINING", "SIZE 35882577", "8BITMIME",
                   "SMTPUTF8", "STARTTLS", "DSN", "CHUNKING", "ENHANCEDSTATUSCODES", "REQUIRETLS",
                   "AUTH PLAIN LOGIN XOAUTH2"});
    EXPECT_EQ(e.server_name, "mx.example.net");
    EXPECT_TRUE(e.pipelining);
    ASSERT_TRUE(e.size);
    EXPECT_EQ(*e.size, 35882577U);
    EXPECT_TRUE(e.eight_bit_mime);
    EXPECT_TRUE(e.smtputf8);
    EXPECT_TRUE(e.starttls);
    EXPECT_TRUE(e.dsn);
    EXPECT_TRUE(e.chunking);
    EXPECT_TRUE(e.enhanced_status_codes);
    EXPECT_TRUE(e.requiretls);
    EXPECT_EQ(e.auth, (std::vector<std::string>{"PLAIN", "LOGIN", "XOAUTH2"}));
    EXPECT_TRUE(e.offers_auth("plain"));
    EXPECT_FALSE(e.offers_auth("CRAM-MD5"));
}

TEST(Extensions, NothingAnnouncedIsNothingOffered) {
    auto e = ehlo({"mx.example.net"});
    EXPECT_FALSE(e.pipelining);
    EXPECT_FALSE(e.size);
    EXPECT_FALSE(e.eight_bit_mime);
    EXPECT_FALSE(e.smtputf8);
    EXPECT_FALSE(e.starttls);
    EXPECT_FALSE(e.dsn);
    EXPECT_FALSE(e.requiretls);
    EXPECT_TRUE(e.auth.empty());
}

TEST(Extensions, KeywordsAreCaseInsensitive) {
    auto e = ehlo({"mx", "pipelining", "StartTLS", "size 100", "auth plain"});
    EXPECT_TRUE(e.pipelining);
    EXPECT_TRUE(e.starttls);
    EXPECT_EQ(e.size, 100U);
    EXPECT_EQ(e.auth, std::vector<std::string>{"PLAIN"});
}

TEST(Extensions, SizeWithoutALimit) {
    // RFC 1870 §4: no parameter, or one that cannot be a number, states no fixed limit.
    EXPECT_EQ(ehlo({"mx", "SIZE"}).size, 0U);
    EXPECT_EQ(ehlo({"mx", "SIZE 0"}).size, 0U);
    EXPECT_EQ(ehlo({"mx", "SIZE lots"}).size, 0U);
    EXPECT_EQ(ehlo({"mx", "SIZE 99999999999999999999999"}).size, 0U);
    EXPECT_EQ(ehlo({"mx", "SIZE 18446744073709551615"}).size, 18446744073709551615ULL);
}

TEST(Extensions, OldAuthSyntaxAndDuplicates) {
    auto e = ehlo({"mx", "AUTH=LOGIN PLAIN", "AUTH LOGIN CRAM-MD5"});
    EXPECT_EQ(e.auth, (std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"}));
}

TEST(Extensions, SkipsLinesThatAreNotKeywords) {
    auto e = ehlo({"mx", "", "   ", "-PIPELINING", "8BIT MIME", "X_FOO", "  STARTTLS  "});
    EXPECT_FALSE(e.pipelining);
    EXPECT_FALSE(e.eight_bit_mime);
    EXPECT_TRUE(e.starttls);
}

}  // namespace
}  // namespace sealbox::smtp

#include "smtp/proto/xtext.h"

#include <gtest/gtest.h>

namespace sealbox::smtp {
namespace {

TEST(Xtext, EncodesPlusEqualsSpaceAndNonAscii) {
    EXPECT_EQ(xtext_encode("a+b=c d"), "a+2Bb+3Dc+20d");
    EXPECT_EQ(xtext_encode("user@example.com"), "user@example.com");
    EXPECT_EQ(xtext_encode(std::string("\x00\x7f\xff", 3)), "+00+7F+FF");
    EXPECT_EQ(xtext_encode(""), "");
}

TEST(Xtext, DecodesHexchars) {
    EXPECT_EQ(xtext_decode("a+2Bb+3Dc+20d"), "a+b=c d");
    EXPECT_EQ(xtext_decode("QQ314159"), "QQ314159");
    EXPECT_EQ(xtext_decode(""), "");
    // Lower-case hex is not what RFC 3461 asks senders for, but it is unambiguous.
    EXPECT_EQ(xtext_decode("+2b"), "+");
}

TEST(Xtext, RoundTripsEveryOctet) {
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all.push_back(static_cast<char>(i));
    }
    std::string encoded = xtext_encode(all);
    for (char c : encoded) {
        auto u = static_cast<unsigned char>(c);
        EXPECT_TRUE(u >= 33 && u <= 126 && c != '=') << int(u);
    }
    EXPECT_EQ(xtext_decode(encoded), all);
}

TEST(Xtext, RejectsInvalidInput) {
    EXPECT_FALSE(xtext_decode("+"));
    EXPECT_FALSE(xtext_decode("+4"));
    EXPECT_FALSE(xtext_decode("abc+4"));
    EXPECT_FALSE(xtext_decode("+GG"));
    EXPECT_FALSE(xtext_decode("+4G"));
    EXPECT_FALSE(xtext_decode("a b"));
    EXPECT_FALSE(xtext_decode("a=b"));
    EXPECT_FALSE(xtext_decode("caf\xc3\xa9"));
    EXPECT_FALSE(xtext_decode(std::string("a\0b", 3)));
    EXPECT_FALSE(xtext_decode("tab\there"));
}

}  // namespace
}  // namespace sealbox::smtp

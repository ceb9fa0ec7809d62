#include "smtp/proto/reply.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sealbox::smtp {
namespace {

// Every CR and LF of a serialized reply must be a CRLF that ends a line.
void expect_only_crlf_line_ends(const std::string& wire) {
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r') {
            ASSERT_LT(i + 1, wire.size());
            EXPECT_EQ(wire[i + 1], '\n');
        }
        if (wire[i] == '\n') {
            ASSERT_GT(i, 0u);
            EXPECT_EQ(wire[i - 1], '\r');
        }
    }
    ASSERT_GE(wire.size(), 2u);
    EXPECT_EQ(wire.substr(wire.size() - 2), "\r\n");
}

TEST(Reply, SingleLine) {
    EXPECT_EQ(serialize(Reply{250, "2.1.0", {"Sender OK"}}), "250 2.1.0 Sender OK\r\n");
    EXPECT_EQ(serialize(Reply{354, "", {"End data with <CR><LF>.<CR><LF>"}}),
              "354 End data with <CR><LF>.<CR><LF>\r\n");
}

TEST(Reply, MultiLineHasEnhancedCodeOnEveryLine) {
    EXPECT_EQ(serialize(Reply{214, "2.0.0", {"first", "second", "last"}}),
              "214-2.0.0 first\r\n214-2.0.0 second\r\n214 2.0.0 last\r\n");
    EXPECT_EQ(serialize(Reply{250, "", {"a", "b"}}), "250-a\r\n250 b\r\n");
}

TEST(Reply, EmptyText) {
    EXPECT_EQ(serialize(Reply{250, "", {}}), "250\r\n");
    EXPECT_EQ(serialize(Reply{221, "2.0.0", {}}), "221 2.0.0\r\n");
    EXPECT_EQ(serialize(Reply{250, "", {""}}), "250\r\n");
    EXPECT_EQ(serialize(Reply{250, "2.0.0", {"", "x"}}), "250-2.0.0\r\n250 2.0.0 x\r\n");
}

TEST(Reply, CrAndLfInTextCannotInjectLines) {
    std::string wire = serialize(Reply{250, "2.1.5", {"<a@b>\r\n250 2.0.0 forged\rX\nY"}});
    EXPECT_EQ(wire, "250 2.1.5 <a@b>  250 2.0.0 forged X Y\r\n");
    expect_only_crlf_line_ends(wire);

    wire = serialize(Reply{550, "5.1.1", {"a\n", "\r", std::string("nul\0here", 8)}});
    expect_only_crlf_line_ends(wire);
    EXPECT_EQ(wire, "550-5.1.1 a \r\n550-5.1.1  \r\n550 5.1.1 nul here\r\n");
}

TEST(Reply, LongLinesAreCutTo512Octets) {
    std::string wire = serialize(Reply{250, "2.0.0", {std::string(2000, 'x')}});
    EXPECT_EQ(wire.size(), 512u);
    expect_only_crlf_line_ends(wire);

    // A cut never splits a UTF-8 sequence.
    std::string text;
    while (text.size() < 1000) {
        text += "\xc3\xa9";  // é
    }
    wire = serialize(Reply{250, "", {"x" + text}});
    EXPECT_LE(wire.size(), 512u);
    std::string body = wire.substr(4, wire.size() - 6);
    EXPECT_EQ(body.size() % 2, 1u);  // "x" plus whole two-octet characters
    EXPECT_NE(static_cast<unsigned char>(body.back()), 0xc3);
}

TEST(Reply, RejectsInvalidCodes) {
    for (int code : {0, 199, 600, 260, 1250, -250, 190}) {
        EXPECT_THROW(serialize(Reply{code, "", {"x"}}), Error) << code;
    }
    EXPECT_NO_THROW(serialize(Reply{200, "", {"x"}}));
    EXPECT_NO_THROW(serialize(Reply{559, "", {"x"}}));
}

TEST(Reply, RejectsMalformedOrMismatchedEnhancedCodes) {
    for (const char* bad : {"5.0.0", "2.0", "2..0", "2.1000.0", "2.0.1000", "x.0.0", "2.0.0.",
                            "2.0.0 ", "20.0.0", "3.0.0"}) {
        EXPECT_THROW(serialize(Reply{250, bad, {"x"}}), Error) << bad;
    }
    EXPECT_THROW(serialize(Reply{354, "3.0.0", {"x"}}), Error);
    EXPECT_THROW(serialize(Reply{354, "2.0.0", {"x"}}), Error);
    EXPECT_NO_THROW(serialize(Reply{250, "2.999.999", {"x"}}));
    EXPECT_TRUE(valid_enhanced_code(452, "4.5.3"));
    EXPECT_FALSE(valid_enhanced_code(452, "5.5.3"));
}

TEST(Reply, EhloReply) {
    std::vector<std::string> extensions = {"PIPELINING", "SIZE 10485760", "8BITMIME"};
    EXPECT_EQ(serialize(ehlo_reply("mx.example.org", "greets client.example", extensions)),
              "250-mx.example.org greets client.example\r\n250-PIPELINING\r\n"
              "250-SIZE 10485760\r\n250 8BITMIME\r\n");
    EXPECT_EQ(serialize(ehlo_reply("mx.example.org", "", {})), "250 mx.example.org\r\n");
    Reply r = ehlo_reply("mx", "hello", extensions);
    EXPECT_EQ(r.code, 250);
    EXPECT_TRUE(r.enhanced.empty());
}

TEST(Reply, EhloGreetingFromClientIsDefused) {
    std::string wire = serialize(ehlo_reply("mx", "greets evil\r\n250-AUTH PLAIN", {}));
    EXPECT_EQ(wire, "250 mx greets evil  250-AUTH PLAIN\r\n");
    expect_only_crlf_line_ends(wire);
}

}  // namespace
}  // namespace sealbox::smtp

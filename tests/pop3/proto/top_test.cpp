#include "pop3/proto/top.h"

#include <gtest/gtest.h>

#include "pop3/proto/response.h"

namespace sealbox::pop3 {
namespace {

constexpr std::string_view kMessage =
    "From: a@example.org\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n.line 3\r\n";

TEST(Pop3Top, HeaderAndFirstLines) {  // RFC 1939 §7
    EXPECT_EQ(top_of(kMessage, 0), "From: a@example.org\r\nSubject: hi\r\n\r\n");
    EXPECT_EQ(top_of(kMessage, 1), "From: a@example.org\r\nSubject: hi\r\n\r\nline 1\r\n");
    EXPECT_EQ(top_of(kMessage, 2),
              "From: a@example.org\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n");
    EXPECT_EQ(top_of(kMessage, 3), kMessage);
}

TEST(Pop3Top, MoreLinesThanTheBodyHas) {
    EXPECT_EQ(top_of(kMessage, 4), kMessage);
    EXPECT_EQ(top_of(kMessage, 4294967295u), kMessage);
}

TEST(Pop3Top, MessageWithoutBody) {
    EXPECT_EQ(top_of("Subject: only\r\nFrom: a@b\r\n", 0), "Subject: only\r\nFrom: a@b\r\n");
    EXPECT_EQ(top_of("Subject: only\r\nFrom: a@b\r\n", 5), "Subject: only\r\nFrom: a@b\r\n");
    EXPECT_EQ(top_of("Subject: no end", 0), "Subject: no end");
    EXPECT_EQ(top_of("Subject: x\r\n\r\n", 3), "Subject: x\r\n\r\n");
    EXPECT_EQ(top_of("", 3), "");
}

TEST(Pop3Top, MessageWithoutFinalCrlf) {
    constexpr std::string_view m = "Subject: x\r\n\r\nfirst\r\nsecond";
    EXPECT_EQ(top_of(m, 1), "Subject: x\r\n\r\nfirst\r\n");
    EXPECT_EQ(top_of(m, 2), m);
    EXPECT_EQ(top_of(m, 9), m);
    EXPECT_EQ(message_response("", top_of(m, 2)),
              "+OK\r\nSubject: x\r\n\r\nfirst\r\nsecond\r\n.\r\n");
}

TEST(Pop3Top, EmptyHeader) {
    EXPECT_EQ(top_of("\r\nbody 1\r\nbody 2\r\n", 0), "\r\n");
    EXPECT_EQ(top_of("\r\nbody 1\r\nbody 2\r\n", 1), "\r\nbody 1\r\n");
}

TEST(Pop3Top, BlankBodyLinesCount) {
    constexpr std::string_view m = "A: 1\r\n\r\n\r\n\r\nx\r\n";
    EXPECT_EQ(top_of(m, 1), "A: 1\r\n\r\n\r\n");
    EXPECT_EQ(top_of(m, 2), "A: 1\r\n\r\n\r\n\r\n");
}

TEST(Pop3Top, BareLfLineEnds) {
    EXPECT_EQ(top_of("A: 1\n\nb1\nb2\n", 1), "A: 1\n\nb1\n");
}

TEST(Pop3Top, ResultIsStuffedOnTheWire) {
    EXPECT_EQ(message_response("", top_of(kMessage, 3)),
              "+OK\r\nFrom: a@example.org\r\nSubject: hi\r\n\r\nline 1\r\nline 2\r\n..line 3\r\n"
              ".\r\n");
}

}  // namespace
}  // namespace sealbox::pop3

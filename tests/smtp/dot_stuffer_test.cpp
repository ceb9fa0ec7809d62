#include "smtp/proto/dot_stuffer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "smtp/proto/data_reader.h"

namespace sealbox::smtp {
namespace {

using namespace std::string_literals;

// The wire form of a message fed in pieces of `piece` octets.
std::string stuffed(std::string_view message, std::size_t piece = 1 << 20) {
    DotStuffer stuffer;
    std::string out;
    for (std::size_t at = 0; at < message.size(); at += piece) {
        stuffer.feed(message.substr(at, piece), out);
    }
    stuffer.finish(out);
    return out;
}

// What Sealbox's own server half reads back from it.
std::string unstuffed(const std::string& wire) {
    DataReader reader;
    std::string out;
    FeedResult fed = reader.feed(wire, out);
    EXPECT_TRUE(fed.done);
    EXPECT_EQ(fed.consumed, wire.size()) << "the data ended early";
    EXPECT_TRUE(reader.accepted());
    return out;
}

TEST(DotStuffer, DoublesALeadingDotOnEveryLine) {
    EXPECT_EQ(stuffed("a\r\n.b\r\n..c\r\n.\r\nd.\r\n"), "a\r\n..b\r\n...c\r\n..\r\nd.\r\n.\r\n");
    EXPECT_EQ(stuffed(".first\r\n"), "..first\r\n.\r\n");
}

TEST(DotStuffer, EndsTheLastLineBeforeTheTerminator) {
    EXPECT_EQ(stuffed("no newline at the end"), "no newline at the end\r\n.\r\n");
    EXPECT_EQ(stuffed("x\r\n"), "x\r\n.\r\n");
    EXPECT_EQ(stuffed(""), ".\r\n");
    EXPECT_EQ(stuffed("."), "..\r\n.\r\n");
}

TEST(DotStuffer, BareLineEndsBecomeCrlfSoNothingCanEndTheDataEarly) {
    // The smuggling payloads: none of them may reach the wire as <CRLF>.<CRLF> or anything a
    // lax receiver reads as an end of data.
    EXPECT_EQ(stuffed("a\n.\nMAIL FROM:<x@y>\n"), "a\r\n..\r\nMAIL FROM:<x@y>\r\n.\r\n");
    EXPECT_EQ(stuffed("a\r\n.\rb"), "a\r\n..\r\nb\r\n.\r\n");
    EXPECT_EQ(stuffed("a\r.\r\n"), "a\r\n..\r\n.\r\n");
    EXPECT_EQ(stuffed("end\r"), "end\r\n.\r\n");
}

TEST(DotStuffer, PiecesSplitAnywhereGiveTheSameWire) {
    std::string message = ".a\r\n\r\n.\r\n..\r\nx\ry\n.z\r";
    std::string whole = stuffed(message);
    for (std::size_t piece = 1; piece <= message.size(); ++piece) {
        EXPECT_EQ(stuffed(message, piece), whole) << "pieces of " << piece;
    }
}

TEST(DotStuffer, TheServerHalfReadsBackTheMessageExactly) {
    std::mt19937 random(7);
    const std::string alphabet = ".\r\na\xC3\xA9 ";
    for (int round = 0; round < 200; ++round) {
        std::string message;
        std::size_t length = random() % 64;
        for (std::size_t i = 0; i < length; ++i) {
            message += alphabet[random() % alphabet.size()];
        }
        // A message as stored has CRLF line ends; those survive the trip unchanged.
        std::string normalized = normalize_line_endings(message);
        std::string expected = normalized;
        if (!expected.empty() && !expected.ends_with("\r\n")) {
            expected += "\r\n";
        }
        EXPECT_EQ(unstuffed(stuffed(normalized, 1 + random() % 7)), expected) << message;
        // And one with bare line ends arrives normalised, never cut short.
        EXPECT_EQ(unstuffed(stuffed(message)), expected) << message;
    }
}

}  // namespace
}  // namespace sealbox::smtp

#include "smtp/proto/line_endings.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace sealbox::smtp {
namespace {

TEST(LineEndings, CleanMessage) {
    LineEndingReport r = scan_line_endings("Subject: x\r\n\r\nbody\r\n");
    EXPECT_FALSE(r.bare_cr);
    EXPECT_FALSE(r.bare_lf);
    EXPECT_EQ(r.longest_line, 12u);
    EXPECT_FALSE(scan_line_endings("").bare_cr);
    // A last line without CRLF is fine in BDAT content.
    EXPECT_FALSE(scan_line_endings("no newline").bare_lf);
    EXPECT_EQ(scan_line_endings("no newline").longest_line, 10u);
}

TEST(LineEndings, FindsBareCrAndLf) {
    EXPECT_TRUE(scan_line_endings("a\nb").bare_lf);
    EXPECT_TRUE(scan_line_endings("\n").bare_lf);
    EXPECT_TRUE(scan_line_endings("a\rb").bare_cr);
    EXPECT_TRUE(scan_line_endings("a\r").bare_cr);  // nothing can follow the last CR
    EXPECT_TRUE(scan_line_endings("a\r\r\n").bare_cr);
    EXPECT_FALSE(scan_line_endings("a\r\r\n").bare_lf);
    EXPECT_TRUE(scan_line_endings("\n.\n").bare_lf);
}

TEST(LineEndings, CrLfSplitAcrossChunksIsNotBare) {
    LineEndingScanner s;
    s.feed(std::span<const char>("abc\r", 4));
    EXPECT_FALSE(s.saw_bare());
    s.feed(std::span<const char>("\ndef\r\n", 6));
    s.finish();
    EXPECT_FALSE(s.saw_bare());

    LineEndingScanner t;
    t.feed(std::span<const char>("abc\r", 4));
    t.feed(std::span<const char>("def", 3));
    t.finish();
    EXPECT_TRUE(t.saw_bare_cr());
    EXPECT_FALSE(t.saw_bare_lf());
}

TEST(LineEndings, Normalize) {
    EXPECT_EQ(normalize_line_endings("a\nb\rc\r\nd\r"), "a\r\nb\r\nc\r\nd\r\n");
    EXPECT_EQ(normalize_line_endings("\r\r\n\n"), "\r\n\r\n\r\n");
    EXPECT_EQ(normalize_line_endings("clean\r\n"), "clean\r\n");
}

TEST(LineEndings, ChunkedNormalizeMatchesWhole) {
    const std::string input = "a\r\nb\rc\nd\r\r\ne\r";
    const std::string whole = normalize_line_endings(input);
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        LineEndingScanner s;
        std::string out;
        s.feed(std::span<const char>(input.data(), cut), &out);
        s.feed(std::span<const char>(input.data() + cut, input.size() - cut), &out);
        s.finish(&out);
        EXPECT_EQ(out, whole) << cut;
        EXPECT_TRUE(s.saw_bare_cr());
        EXPECT_TRUE(s.saw_bare_lf());
    }
}

TEST(LineEndings, LongestLine) {
    LineEndingScanner s;
    std::string line(998, 'x');
    s.feed(std::span<const char>(line));
    s.feed(std::span<const char>("\r\nshort\r\n", 9));
    s.finish();
    EXPECT_EQ(s.longest_line(), 1000u);
}

// The scanner skips over runs of ordinary octets; this walks the rules octet by octet, as
// RFC 5321 §2.3.8 states them, over random messages cut into random pieces.
TEST(LineEndings, AgreesWithTheRulesOctetByOctet) {
    std::mt19937 random(11);
    const std::string alphabet = "\r\n.a ";
    for (int round = 0; round < 2000; ++round) {
        std::string message;
        for (std::size_t i = random() % 80; i > 0; --i) {
            message += alphabet[random() % alphabet.size()];
        }
        std::string expected;
        bool bare_cr = false, bare_lf = false;
        std::size_t line = 0, longest = 0;
        for (std::size_t i = 0; i < message.size(); ++i) {
            if (message[i] == '\r' || message[i] == '\n') {
                bool crlf = message[i] == '\r' && i + 1 < message.size() && message[i + 1] == '\n';
                (message[i] == '\r' ? bare_cr : bare_lf) |= !crlf;
                i += crlf ? 1 : 0;
                expected += "\r\n";
                longest = std::max(longest, line + 2);
                line = 0;
            } else {
                expected += message[i];
                ++line;
            }
        }
        longest = std::max(longest, line);

        LineEndingScanner scanner;
        std::string out;
        for (std::size_t at = 0; at < message.size();) {
            std::size_t piece = std::min<std::size_t>(1 + random() % 9, message.size() - at);
            scanner.feed(std::span<const char>(message.data() + at, piece), &out);
            at += piece;
        }
        scanner.finish(&out);
        EXPECT_EQ(out, expected) << round;
        EXPECT_EQ(scanner.saw_bare_cr(), bare_cr) << round;
        EXPECT_EQ(scanner.saw_bare_lf(), bare_lf) << round;
        EXPECT_EQ(scanner.longest_line(), longest) << round;
    }
}

}  // namespace
}  // namespace sealbox::smtp

#include "smtp/proto/line_endings.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sealbox::smtp

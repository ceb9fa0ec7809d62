#include "imap/proto/lexer.h"

#include <gtest/gtest.h>

#include <functional>

namespace sealbox::imap {
namespace {

Lexer lex(std::string_view input, bool utf8 = false) {
    static Limits limits;
    return Lexer(input, limits, utf8);
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const SyntaxError& e) {
        return e.what();
    }
    return "no error";
}

TEST(Lexer, QuotedStringWithEscapes) {
    auto l = lex(R"("a \"b\" \\c")");
    EXPECT_EQ(l.string(), R"(a "b" \c)");
    EXPECT_TRUE(l.at_end());
}

TEST(Lexer, QuotedStringErrors) {
    EXPECT_EQ(error_of([] { lex("\"abc").string(); }), "Unterminated quoted string");
    EXPECT_EQ(error_of([] { lex(R"("a\b")").string(); }), "Invalid escape in quoted string");
    EXPECT_EQ(error_of([] { lex("\"a\r\nb\"").string(); }), "Line break or NUL in quoted string");
    EXPECT_EQ(error_of([] { lex("\"caf\xC3\xA9\"").string(); }),
              "8-bit octet in quoted string (use a literal)");
    EXPECT_EQ(lex("\"caf\xC3\xA9\"", true).string(), "caf\xC3\xA9");
}

TEST(Lexer, Literals) {
    auto l = lex("{5}\r\nhe\"lo {3+}\r\nabc");
    EXPECT_EQ(l.string(), "he\"lo");
    l.sp();
    EXPECT_EQ(l.string(), "abc");
    EXPECT_TRUE(l.at_end());
    EXPECT_EQ(error_of([] { lex("{5}\r\nabc").string(); }), "Literal shorter than announced");
    EXPECT_EQ(error_of([] { lex("{5}abcde").string(); }),
              "Expected a line break after the literal size at position 3");
    EXPECT_EQ(error_of([] { lex(std::string_view("{1}\r\n\0", 6)).string(); }),
              "NUL in literal (use literal8)");
    EXPECT_EQ(error_of([] { lex("~{1}\r\na").string(); }),
              "literal8 is allowed only in APPEND and SETMETADATA values");
    bool was8 = false;
    EXPECT_EQ(lex(std::string_view("~{1}\r\n\0", 7)).string(true, &was8), std::string(1, '\0'));
    EXPECT_TRUE(was8);
}

TEST(Lexer, AstringNstringAndListMailbox) {
    EXPECT_EQ(lex("foo]bar").astring(), "foo]bar");
    EXPECT_EQ(lex("~fred").astring(), "~fred");  // "~" alone is an ATOM-CHAR
    EXPECT_EQ(lex("\"\"").astring(), "");
    EXPECT_EQ(error_of([] { lex("(x").astring(); }), "Expected an atom or a string at position 0");
    std::string s;
    EXPECT_FALSE(lex("nil").nstring(s));
    EXPECT_TRUE(lex("\"NIL\"").nstring(s));
    EXPECT_EQ(s, "NIL");
    EXPECT_EQ(error_of([] {
                  std::string t;
                  lex("NILS").nstring(t);
              }),
              "Expected a string or NIL at position 0");
    EXPECT_EQ(lex("Lists/%/*").list_mailbox(), "Lists/%/*");
    EXPECT_EQ(error_of([] { lex("%").atom(); }), "Expected an atom at position 0");
}

TEST(Lexer, Numbers) {
    EXPECT_EQ(lex("4294967295").number(), 4294967295u);
    EXPECT_EQ(error_of([] { lex("4294967296").number(); }), "Number too large");
    EXPECT_EQ(error_of([] { lex("0").nz_number(); }), "Expected a non-zero number");
    EXPECT_EQ(lex("9223372036854775807").number64(), 9223372036854775807ull);
    EXPECT_EQ(error_of([] { lex("9223372036854775808").number64(); }), "Number too large");
    EXPECT_EQ(error_of([] { lex("x").number(); }), "Expected a number at position 0");
}

TEST(Lexer, SequenceSetStopsAtSpace) {
    auto l = lex("1:3,$ x");
    EXPECT_EQ(l.sequence_set().str(), "1:3,$");
    EXPECT_EQ(l.peek(), ' ');
    EXPECT_EQ(error_of([] { lex("1::3").sequence_set(); }),
              "Expected a sequence set at position 0");
}

TEST(Lexer, ParenthesisDepthIsLimited) {
    Limits limits;
    limits.max_depth = 3;
    std::string input = "((((";
    Lexer l(input, limits, false);
    l.open_paren();
    l.open_paren();
    l.open_paren();
    EXPECT_THROW(l.open_paren(), SyntaxError);
}

TEST(Lexer, Flags) {
    EXPECT_EQ(lex("\\Seen").flag(), "\\Seen");
    EXPECT_EQ(lex("$Junk").flag(), "$Junk");
    EXPECT_EQ(lex("\\*").flag(true), "\\*");
    EXPECT_THROW(lex("\\*").flag(), SyntaxError);
}

}  // namespace
}  // namespace sealbox::imap

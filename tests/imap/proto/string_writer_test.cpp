#include "imap/proto/string_writer.h"

#include <gtest/gtest.h>

#include "imap/proto/command.h"
#include "imap/proto/lexer.h"

namespace sealbox::imap {
namespace {

std::string str(std::string_view text, bool utf8 = false) {
    std::string out;
    write_string(out, text, utf8);
    return out;
}

TEST(StringWriter, QuotesWhenSafe) {
    EXPECT_EQ(str("hello"), "\"hello\"");
    EXPECT_EQ(str("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    EXPECT_EQ(str(""), "\"\"");
}

TEST(StringWriter, LiteralForLineBreaksAnd8Bit) {
    EXPECT_EQ(str("a\r\n* OK"), "{7}\r\na\r\n* OK");
    EXPECT_EQ(str("caf\xC3\xA9"), "{5}\r\ncaf\xC3\xA9");
    EXPECT_EQ(str("caf\xC3\xA9", true), "\"caf\xC3\xA9\"");
    EXPECT_EQ(str("bad\xC3", true), "{4}\r\nbad\xC3");
    EXPECT_EQ(str(std::string(2000, 'x')).substr(0, 8), "{2000}\r\n");
}

TEST(StringWriter, NstringAstringMailbox) {
    std::string out;
    write_nstring(out, std::nullopt);
    out += ' ';
    write_nstring(out, std::string_view("x"));
    out += ' ';
    write_astring(out, "INBOX");
    out += ' ';
    write_astring(out, "NIL");
    out += ' ';
    write_astring(out, "two words");
    out += ' ';
    write_mailbox(out, "Entw\xC3\xBCrfe");
    out += ' ';
    write_literal8(out, std::string_view("\0", 1));
    using namespace std::string_literals;
    EXPECT_EQ(out, "NIL \"x\" INBOX \"NIL\" \"two words\" Entw&APw-rfe ~{1}\r\n\0"s);
}

// What the server writes, the parser reads back unchanged.
TEST(StringWriter, RoundTripsThroughTheLexer) {
    for (std::string_view text : {"plain", "", "with \"quotes\" and \\", "line\r\nbreak",
                                  "8bit \xC3\xA9", "]", "NIL", "{5}"}) {
        std::string wire;
        write_astring(wire, text);
        Limits limits;
        Lexer lexer(wire, limits, false);
        EXPECT_EQ(lexer.astring(), text);
        EXPECT_TRUE(lexer.at_end());
    }
}

}  // namespace
}  // namespace sealbox::imap

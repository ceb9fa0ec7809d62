#include <gtest/gtest.h>

#include "imap/message/body_parser.h"
#include "imap/message/render.h"
#include "imap/message/test_messages.h"

namespace sealbox::imap {
namespace {

using test::crlf;

// The structure of raw, held to RFC 9051 §9's grammar before it is compared.
std::string structure_of(const std::string& raw, bool extensible, bool utf8 = false) {
    std::string out;
    write_body_structure(out, mime::summarize(raw).root, extensible, utf8);
    test::BodyParser(out, extensible, utf8).body_only();
    return out;
}

TEST(BodyStructure, SinglePartText) {
    const std::string raw =
        crlf({"From: a@example.org", "Content-Type: text/plain; charset=us-ascii", "", "hello",
              "world", ""});
    EXPECT_EQ(structure_of(raw, false),
              R"(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 2))");
    EXPECT_EQ(structure_of(raw, true),
              R"(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 14 2 NIL NIL NIL NIL))");
}

// RFC 2045 §5.2: no Content-Type means text/plain; an unterminated last line is still a line.
TEST(BodyStructure, NoContentType) {
    EXPECT_EQ(structure_of(crlf({"Subject: x", "", "one", "two"}), false),
              R"(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 8 2))");
}

// The shape of RFC 9051 §7.5.2's BODYSTRUCTURE example.
TEST(BodyStructure, RfcExampleShape) {
    const std::string raw = crlf({
        "MIME-Version: 1.0",
        "Content-Type: MULTIPART/MIXED; BOUNDARY=\"b1\"",
        "",
        "--b1",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
        "",
        "line1",
        "--b1",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII; NAME=cc.diff",
        "Content-ID: <960723163407.20117h@cac.washington.edu>",
        "Content-Description: Compiler diff",
        "Content-Transfer-Encoding: BASE64",
        "",
        "aGVsbG8K",
        "--b1--",
        "",
    });
    EXPECT_EQ(
        structure_of(raw, false),
        R"((("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 5 1))"
        R"(("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") )"
        R"("<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 8 1) "MIXED"))");
}

// multipart/alternative inside multipart/mixed, an attached message, and an attachment with
// every extension field; BODY drops the extension data at every level.
TEST(BodyStructure, NestedWithAttachedMessage) {
    const std::string raw = test::rich_message();
    const std::string alternative_body =
        R"(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 5 1))"
        R"(("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 1) "ALTERNATIVE")";
    const std::string inner_envelope =
        R"((NIL "Inner" (("Carol" NIL "carol" "example.com")) (("Carol" NIL "carol" "example.com")) )"
        R"((("Carol" NIL "carol" "example.com")) NIL NIL NIL NIL NIL))";
    EXPECT_EQ(structure_of(raw, false),
              "((" + alternative_body + R"()("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 95 )" +
                  inner_envelope + R"( ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 18 2) 6))" +
                  R"(("APPLICATION" "PDF" ("NAME" "r.pdf") NIL NIL "BASE64" 12) "MIXED"))");
    EXPECT_EQ(
        structure_of(raw, true),
        R"(((("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "7BIT" 5 1 NIL NIL NIL NIL))"
        R"(("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 15 1 NIL NIL NIL NIL) )"
        R"("ALTERNATIVE" ("BOUNDARY" "inner") NIL NIL NIL))"
        R"(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 95 )" +
            inner_envelope +
            R"( ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 18 2 NIL NIL NIL NIL) 6 NIL ("INLINE" NIL) NIL NIL))"
            R"(("APPLICATION" "PDF" ("NAME" "r.pdf") NIL NIL "BASE64" 12 "Q2hlY2sgSW50ZWdyaXR5IQ==" )"
            R"(("ATTACHMENT" ("FILENAME" "r.pdf")) ("en" "de") "http://example.org/r.pdf") )"
            R"("MIXED" ("BOUNDARY" "outer") NIL NIL NIL))");
}

// RFC 9051 §9: body-type-mpart is 1*body, so a multipart the summary found no parts in still
// gets one, empty, as BODY[1] of it is.
TEST(BodyStructure, MultipartWithoutParts) {
    const std::string raw =
        crlf({"Content-Type: multipart/mixed", "", "no boundary parameter", ""});
    EXPECT_EQ(structure_of(raw, false), R"((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0) "MIXED"))");
    EXPECT_EQ(
        structure_of(raw, true),
        R"((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0 NIL NIL NIL NIL) "MIXED" NIL NIL NIL NIL))");
}

// A message/rfc822 part under base64 (RFC 2045 §6.4 forbids it) is not looked into, but the
// grammar still wants an envelope and a body.
TEST(BodyStructure, EncodedMessageStillHasEnvelopeAndBody) {
    const std::string raw =
        crlf({"Content-Type: message/rfc822", "Content-Transfer-Encoding: base64", "",
              "U3ViamVjdDogeAoKYm9keQo=", ""});
    EXPECT_EQ(
        structure_of(raw, false),
        R"(("MESSAGE" "RFC822" NIL NIL NIL "BASE64" 26 )"
        R"((NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 0 0) 1))");
}

TEST(BodyStructure, MessageGlobal) {
    const std::string raw = crlf({"Content-Type: message/global", "", "Subject: hi", "", "x"});
    EXPECT_EQ(
        structure_of(raw, false),
        R"(("MESSAGE" "GLOBAL" NIL NIL NIL "7BIT" 16 )"
        R"((NIL "hi" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) 3))");
}

// Non-text leaves carry no line count; quotes inside parameter values are escaped.
TEST(BodyStructure, BasicPartAndEscapedParameter) {
    const std::string raw = crlf({R"(Content-Type: image/png; name="a \"b\".png")",
                                  "Content-Transfer-Encoding: base64", "", "iVBORw0K"});
    EXPECT_EQ(structure_of(raw, false),
              R"(("IMAGE" "PNG" ("NAME" "a \"b\".png") NIL NIL "BASE64" 8))");
}

// An RFC 2231 parameter decoded to UTF-8 goes as a literal unless the client accepts UTF-8.
TEST(BodyStructure, EightBitParameter) {
    const std::string raw =
        crlf({"Content-Type: application/octet-stream",
              "Content-Disposition: attachment; filename*=utf-8''%C3%A9.txt", "", "x"});
    EXPECT_EQ(structure_of(raw, true, false),
              "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 1 NIL "
              "(\"ATTACHMENT\" (\"FILENAME\" {6}\r\n\xC3\xA9.txt)) NIL NIL)");
    EXPECT_EQ(structure_of(raw, true, true),
              "(\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"7BIT\" 1 NIL "
              "(\"ATTACHMENT\" (\"FILENAME\" \"\xC3\xA9.txt\")) NIL NIL)");
}

TEST(BodyStructure, SingleLanguageAndLocation) {
    const std::string raw = crlf(
        {"Content-Type: text/plain", "Content-Language: fr", "Content-Location: doc.txt", "", "x"});
    EXPECT_EQ(structure_of(raw, true),
              R"(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL ("fr") "doc.txt"))");
}

}  // namespace
}  // namespace sealbox::imap

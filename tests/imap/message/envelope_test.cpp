#include <gtest/gtest.h>

#include "imap/message/body_parser.h"
#include "imap/message/render.h"
#include "imap/message/test_messages.h"

namespace sealbox::imap {
namespace {

using test::crlf;

std::string envelope_of(const std::string& raw, bool utf8 = false) {
    std::string out;
    write_envelope(out, mime::summarize(raw).envelope, utf8);
    test::BodyParser(out, true, utf8).envelope_only();
    return out;
}

// RFC 3501 §8's sample message, whose ENVELOPE the RFC spells out.
TEST(Envelope, RfcExample) {
    const std::string raw = crlf({
        "Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)",
        "From: Terry Gray <gray@cac.washington.edu>",
        "Subject: IMAP4rev1 WG mtg summary and minutes",
        "To: imap@cac.washington.edu",
        "cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>",
        "Message-Id: <B27397-0100000@cac.washington.edu>",
        "MIME-Version: 1.0",
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII",
        "",
        "body",
    });
    EXPECT_EQ(
        envelope_of(raw),
        R"x(("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" )x"
        R"((("Terry Gray" NIL "gray" "cac.washington.edu")) )"
        R"((("Terry Gray" NIL "gray" "cac.washington.edu")) )"
        R"((("Terry Gray" NIL "gray" "cac.washington.edu")) )"
        R"(((NIL NIL "imap" "cac.washington.edu")) )"
        R"(((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) )"
        R"(NIL NIL "<B27397-0100000@cac.washington.edu>"))");
}

TEST(Envelope, SenderReplyToAndInReplyTo) {
    const std::string raw = crlf({
        "From: a@example.org",
        "Sender: List <list@example.org>",
        "Reply-To: \"Doe, John\" <john@example.net>",
        "Bcc: hidden@example.com",
        "In-Reply-To: <parent@example.org>",
        "",
        "",
    });
    EXPECT_EQ(envelope_of(raw),
              R"((NIL NIL ((NIL NIL "a" "example.org")) )"
              R"((("List" NIL "list" "example.org")) )"
              R"((("Doe, John" NIL "john" "example.net")) NIL NIL )"
              R"(((NIL NIL "hidden" "example.com")) "<parent@example.org>" NIL))");
}

// RFC 9051 §7.5.2: a group opens with (NIL NIL "name" NIL) and closes with (NIL NIL NIL NIL).
TEST(Envelope, Groups) {
    const std::string raw = crlf({
        "From: x@example.org",
        "To: Undisclosed recipients:;",
        "Cc: A Group: Ed <ed@x.org>, joe@y.org;, solo@z.org",
        "",
        "",
    });
    EXPECT_EQ(envelope_of(raw),
              R"((NIL NIL ((NIL NIL "x" "example.org")) )"
              R"(((NIL NIL "x" "example.org")) ((NIL NIL "x" "example.org")) )"
              R"(((NIL NIL "Undisclosed recipients" NIL)(NIL NIL NIL NIL)) )"
              R"(((NIL NIL "A Group" NIL)("Ed" NIL "ed" "x.org"))"
              R"((NIL NIL "joe" "y.org")(NIL NIL NIL NIL)(NIL NIL "solo" "z.org")) )"
              R"(NIL NIL NIL))");
}

// The server does not decode RFC 2047 words in ENVELOPE: clients get the text as written.
TEST(Envelope, EncodedWordsKept) {
    const std::string raw = crlf({
        "Subject: =?utf-8?q?caf=C3=A9?= ok",
        "From: =?iso-8859-1?q?Andr=E9?= <andre@example.org>",
        "",
        "",
    });
    const std::string from = R"((("=?iso-8859-1?q?Andr=E9?=" NIL "andre" "example.org")))";
    EXPECT_EQ(envelope_of(raw), R"((NIL "=?utf-8?q?caf=C3=A9?= ok" )" + from + " " + from + " " +
                                    from + " NIL NIL NIL NIL NIL)");
}

TEST(Envelope, MissingFieldsAreNil) {
    EXPECT_EQ(envelope_of("just text, no header\r\n"), "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
    EXPECT_EQ(envelope_of(crlf({"Subject:", "From:", "", "body"})),
              "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)");
}

// A NIL host would turn an address into a group marker, so a bare local part gets "" instead.
TEST(Envelope, AddressWithoutDomain) {
    EXPECT_EQ(envelope_of(crlf({"To: nobody", "", ""})),
              R"((NIL NIL NIL NIL NIL ((NIL NIL "nobody" "")) NIL NIL NIL NIL))");
}

TEST(Envelope, QuotedSpecialsEscaped) {
    EXPECT_EQ(envelope_of(crlf({R"(Subject: say "hi" \o/)", "", ""})),
              R"((NIL "say \"hi\" \\o/" NIL NIL NIL NIL NIL NIL NIL NIL))");
}

// 8-bit header text is quoted only for a UTF8=ACCEPT client and only when it is valid UTF-8;
// otherwise it goes as a literal, never as raw octets inside quotes.
TEST(Envelope, EightBitHeaders) {
    const std::string utf8_raw =
        crlf({"Subject: Gr\xC3\xBC\xC3\x9F"
              "e",
              "", ""});
    EXPECT_EQ(envelope_of(utf8_raw, false),
              "(NIL {7}\r\nGr\xC3\xBC\xC3\x9F"
              "e NIL NIL NIL NIL NIL NIL NIL NIL)");
    EXPECT_EQ(envelope_of(utf8_raw, true),
              "(NIL \"Gr\xC3\xBC\xC3\x9F"
              "e\" NIL NIL NIL NIL NIL NIL NIL NIL)");
    const std::string latin1_raw = crlf({"Subject: caf\xE9", "", ""});
    EXPECT_EQ(envelope_of(latin1_raw, true),
              "(NIL {4}\r\ncaf\xE9 NIL NIL NIL NIL NIL NIL NIL NIL)");
}

// RFC 9051 §9: no string may carry NUL, so a NUL in a header is dropped.
TEST(Envelope, NulDropped) {
    const std::string raw = crlf({std::string("Subject: a\0b", 12), "", ""});
    EXPECT_EQ(envelope_of(raw), R"((NIL "ab" NIL NIL NIL NIL NIL NIL NIL NIL))");
}

}  // namespace
}  // namespace sealbox::imap

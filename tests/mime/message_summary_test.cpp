#include "mime/message_summary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace sealbox::mime {
namespace {

using Kind = Address::Kind;

std::string_view body_of(std::string_view raw, const BodyPart& part) {
    return raw.substr(part.body_offset, part.body_size);
}

std::string_view header_of(std::string_view raw, const BodyPart& part) {
    return raw.substr(part.header_offset, part.header_size);
}

Address mailbox(std::string name, std::string local, std::string host) {
    return {Kind::mailbox, std::move(name), std::move(local), std::move(host)};
}

std::string value_of(const Parameters& params, std::string_view name) {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return value;
        }
    }
    return "(absent)";
}

// What must hold for any input: the header is followed by the body, every range lies inside its
// parent's body, siblings come in order without overlapping, and an encapsulated message starts
// where its part's body starts.
void check_structure(std::string_view raw, const BodyPart& part, std::uint64_t begin,
                     std::uint64_t end, int depth) {
    ASSERT_LE(depth, kMaxDepth);
    EXPECT_EQ(part.header_offset + part.header_size, part.body_offset);
    EXPECT_LE(begin, part.header_offset);
    EXPECT_LE(part.body_offset + part.body_size, end);
    EXPECT_LE(end, raw.size());
    std::uint64_t next = part.body_offset;
    for (const BodyPart& child : part.children) {
        EXPECT_LE(next, child.header_offset);
        check_structure(raw, child, part.body_offset, part.body_offset + part.body_size, depth + 1);
        next = child.body_offset + child.body_size;
    }
    if (part.envelope) {
        ASSERT_EQ(part.children.size(), 1u);
        EXPECT_EQ(part.children[0].header_offset, part.body_offset);
        EXPECT_EQ(part.children[0].body_offset + part.children[0].body_size,
                  part.body_offset + part.body_size);
    }
    if (!part.is_multipart() && !part.envelope) {
        EXPECT_TRUE(part.children.empty());
    }
    const bool encapsulated =
        part.type == "message" && (part.subtype == "rfc822" || part.subtype == "global");
    if (part.type == "text" || encapsulated) {
        const std::string_view body = body_of(raw, part);
        const auto lines = static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n') +
                                                      (!body.empty() && body.back() != '\n'));
        EXPECT_EQ(part.body_lines, lines);
    }
}

void check_round_trip(const MessageSummary& summary) {
    const std::vector<std::uint8_t> bytes = serialize(summary);
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(deserialize(bytes), summary);
}

MessageSummary checked_summary(std::string_view raw) {
    MessageSummary summary = summarize(raw);
    EXPECT_EQ(summary.root.header_offset, 0u);
    check_structure(raw, summary.root, 0, raw.size(), 0);
    check_round_trip(summary);
    return summary;
}

TEST(MessageSummary, SimpleTextMessage) {
    const std::string raw =
        "Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n"
        "From: Fred Foobar <foobar@Blurdybloop.example>\r\n"
        "Subject: afternoon meeting\r\n"
        "To: mooch@owatagu.example\r\n"
        "Message-Id: <B27397-0100000@Blurdybloop.example>\r\n"
        "In-Reply-To: <parent@example.org>\r\n"
        "References: <root@example.org>\r\n <parent@example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
        "\r\n"
        "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n"
        "Second line\r\n";
    const MessageSummary s = checked_summary(raw);
    EXPECT_EQ(s.envelope.date, "Mon, 7 Feb 1994 21:52:25 -0800 (PST)");
    EXPECT_EQ(s.envelope.subject, "afternoon meeting");
    EXPECT_EQ(s.envelope.from,
              std::vector<Address>{mailbox("Fred Foobar", "foobar", "Blurdybloop.example")});
    EXPECT_EQ(s.envelope.to, std::vector<Address>{mailbox("", "mooch", "owatagu.example")});
    EXPECT_TRUE(s.envelope.sender.empty());
    EXPECT_TRUE(s.envelope.cc.empty());
    EXPECT_EQ(s.envelope.message_id, "<B27397-0100000@Blurdybloop.example>");
    EXPECT_EQ(s.envelope.in_reply_to, "<parent@example.org>");
    EXPECT_EQ(s.references,
              (std::vector<std::string>{"<root@example.org>", "<parent@example.org>"}));
    EXPECT_FALSE(s.has_attachment);

    const BodyPart& root = s.root;
    EXPECT_EQ(root.type, "text");
    EXPECT_EQ(root.subtype, "plain");
    EXPECT_EQ(root.params, (Parameters{{"charset", "US-ASCII"}}));
    EXPECT_EQ(root.encoding, "7bit");
    EXPECT_EQ(root.header_offset, 0u);
    EXPECT_EQ(header_of(raw, root), raw.substr(0, raw.find("\r\n\r\n") + 4));
    EXPECT_EQ(body_of(raw, root),
              "Hello Joe, do you think we can meet at 3:30 tomorrow?\r\nSecond line\r\n");
    EXPECT_EQ(root.body_lines, 2u);
    EXPECT_TRUE(root.children.empty());
    EXPECT_FALSE(root.envelope);
}

const std::string kMixed =
    "From: a@example.org\r\n"
    "Subject: report\r\n"
    "Content-Type: multipart/mixed; boundary=\"XX\"\r\n"
    "\r\n"
    "This is the preamble.\r\n"
    "--XX\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: QUOTED-PRINTABLE\r\n"
    "\r\n"
    "See attached.\r\n"
    "Line two\r\n"
    "--XX  \r\n"
    "Content-Type: application/pdf; name=\"report.pdf\"\r\n"
    "Content-Disposition: ATTACHMENT; filename=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "Content-ID: <pdf1@example.org>\r\n"
    "Content-Description: The report\r\n"
    "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\n"
    "Content-Language: en, de-CH\r\n"
    "Content-Location: http://example.org/report.pdf\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "\r\n"
    "--XX--\r\n"
    "This is the epilogue.\r\n";

TEST(MessageSummary, MultipartMixedWithAttachment) {
    const MessageSummary s = checked_summary(kMixed);
    const BodyPart& root = s.root;
    EXPECT_EQ(root.type, "multipart");
    EXPECT_EQ(root.subtype, "mixed");
    EXPECT_EQ(value_of(root.params, "boundary"), "XX");
    EXPECT_EQ(body_of(kMixed, root), kMixed.substr(kMixed.find("This is the preamble")));
    ASSERT_EQ(root.children.size(), 2u);

    const BodyPart& text = root.children[0];
    EXPECT_EQ(text.type, "text");
    EXPECT_EQ(text.encoding, "quoted-printable");
    EXPECT_EQ(text.header_offset, kMixed.find("--XX\r\n") + 6);
    EXPECT_EQ(header_of(kMixed, text),
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Transfer-Encoding: QUOTED-PRINTABLE\r\n\r\n");
    // RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter.
    EXPECT_EQ(body_of(kMixed, text), "See attached.\r\nLine two");
    EXPECT_EQ(text.body_lines, 2u);

    const BodyPart& pdf = root.children[1];
    EXPECT_EQ(pdf.type, "application");
    EXPECT_EQ(pdf.subtype, "pdf");
    EXPECT_EQ(value_of(pdf.params, "name"), "report.pdf");
    EXPECT_EQ(pdf.disposition, "attachment");
    EXPECT_EQ(pdf.disposition_params, (Parameters{{"filename", "report.pdf"}}));
    EXPECT_EQ(pdf.encoding, "base64");
    EXPECT_EQ(pdf.content_id, "<pdf1@example.org>");
    EXPECT_EQ(pdf.description, "The report");
    EXPECT_EQ(pdf.md5, "Q2hlY2sgSW50ZWdyaXR5IQ==");
    EXPECT_EQ(pdf.language, (std::vector<std::string>{"en", "de-CH"}));
    EXPECT_EQ(pdf.location, "http://example.org/report.pdf");
    EXPECT_EQ(header_of(kMixed, pdf).substr(0, 13), "Content-Type:");
    EXPECT_EQ(body_of(kMixed, pdf), "JVBERi0xLjQK\r\n");
    EXPECT_EQ(pdf.body_lines, 0u) << "only text and message parts count lines";
    EXPECT_TRUE(s.has_attachment);
}

TEST(MessageSummary, NestedAlternativeInsideMixed) {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=outer\r\n"
        "\r\n"
        "--outer\r\n"
        "Content-Type: multipart/alternative; boundary=\"outer-inner\"\r\n"
        "\r\n"
        "--outer-inner\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "plain\r\n"
        "--outer-inner\r\n"
        "Content-Type: text/html\r\n"
        "\r\n"
        "<p>html</p>\r\n"
        "--outer-inner--\r\n"
        "\r\n"
        "--outer\r\n"
        "Content-Type: image/png\r\n"
        "Content-Disposition: inline\r\n"
        "\r\n"
        "PNG\r\n"
        "--outer--\r\n";
    const MessageSummary s = checked_summary(raw);
    ASSERT_EQ(s.root.children.size(), 2u);
    const BodyPart& alternative = s.root.children[0];
    EXPECT_EQ(alternative.subtype, "alternative");
    // The inner multipart ends with its epilogue, before the CRLF of the outer delimiter.
    EXPECT_EQ(body_of(raw, alternative),
              "--outer-inner\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
              "--outer-inner\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
              "--outer-inner--\r\n");
    ASSERT_EQ(alternative.children.size(), 2u);
    EXPECT_EQ(body_of(raw, alternative.children[0]), "plain");
    EXPECT_EQ(alternative.children[1].subtype, "html");
    EXPECT_EQ(body_of(raw, alternative.children[1]), "<p>html</p>");
    EXPECT_EQ(alternative.children[1].body_lines, 1u);
    EXPECT_EQ(body_of(raw, s.root.children[1]), "PNG");
    EXPECT_EQ(s.root.children[1].disposition, "inline");
    EXPECT_FALSE(s.has_attachment) << "an unnamed inline image is not an attachment";
}

TEST(MessageSummary, MessageRfc822Attachment) {
    const std::string inner =
        "From: \"Inner, Sender\" <inner@example.net>\r\n"
        "To: someone@example.com\r\n"
        "Subject: inner subject\r\n"
        "Date: Tue, 1 Jan 2030 00:00:00 +0000\r\n"
        "Message-ID: <inner@example.net>\r\n"
        "Content-Type: multipart/alternative; boundary=in\r\n"
        "\r\n"
        "--in\r\n"
        "\r\n"
        "inner text\r\n"
        "--in--\r\n";
    const std::string raw =
        "From: outer@example.com\r\n"
        "Subject: Fwd: inner subject\r\n"
        "Content-Type: multipart/mixed; boundary=b\r\n"
        "\r\n"
        "--b\r\n"
        "\r\n"
        "see below\r\n"
        "--b\r\n"
        "Content-Type: message/rfc822\r\n"
        "Content-Disposition: attachment\r\n"
        "\r\n" +
        inner +
        "\r\n"
        "--b--\r\n";
    const MessageSummary s = checked_summary(raw);
    EXPECT_EQ(s.envelope.subject, "Fwd: inner subject");
    ASSERT_EQ(s.root.children.size(), 2u);
    EXPECT_EQ(header_of(raw, s.root.children[0]), "\r\n") << "a part without header fields";
    EXPECT_EQ(body_of(raw, s.root.children[0]), "see below");

    const BodyPart& message = s.root.children[1];
    EXPECT_EQ(message.type, "message");
    EXPECT_EQ(message.subtype, "rfc822");
    EXPECT_EQ(body_of(raw, message), inner);
    EXPECT_EQ(message.body_lines, 11u);
    ASSERT_TRUE(message.envelope);
    EXPECT_EQ(message.envelope->subject, "inner subject");
    EXPECT_EQ(message.envelope->date, "Tue, 1 Jan 2030 00:00:00 +0000");
    EXPECT_EQ(message.envelope->message_id, "<inner@example.net>");
    EXPECT_EQ(message.envelope->from,
              std::vector<Address>{mailbox("Inner, Sender", "inner", "example.net")});

    ASSERT_EQ(message.children.size(), 1u);
    const BodyPart& inner_root = message.children[0];
    EXPECT_EQ(inner_root.header_offset, message.body_offset);
    EXPECT_EQ(header_of(raw, inner_root), inner.substr(0, inner.find("\r\n\r\n") + 4));
    EXPECT_EQ(inner_root.subtype, "alternative");
    ASSERT_EQ(inner_root.children.size(), 1u);
    EXPECT_EQ(body_of(raw, inner_root.children[0]), "inner text");
    EXPECT_TRUE(s.has_attachment);
}

TEST(MessageSummary, GroupsInAddressLists) {
    const std::string raw =
        "From: Boss <boss@example.com>\r\n"
        "To: undisclosed-recipients:;\r\n"
        "Cc: Team: Ann <ann@example.com>, bob@example.com;, carol@example.com\r\n"
        "\r\n"
        "body\r\n";
    const MessageSummary s = checked_summary(raw);
    EXPECT_EQ(s.envelope.to,
              (std::vector<Address>{{Kind::group_start, "", "undisclosed-recipients", ""},
                                    {Kind::group_end, "", "", ""}}));
    EXPECT_EQ(s.envelope.cc, (std::vector<Address>{{Kind::group_start, "", "Team", ""},
                                                   mailbox("Ann", "ann", "example.com"),
                                                   mailbox("", "bob", "example.com"),
                                                   {Kind::group_end, "", "", ""},
                                                   mailbox("", "carol", "example.com")}));
}

TEST(MessageSummary, EncodedWordsKeptAsWritten) {
    const std::string raw =
        "Subject: =?utf-8?q?caf=C3=A9?= =?utf-8?b?w6k=?= menu\r\n"
        "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <pirard@example.be>\r\n"
        "To: \"=?utf-8?q?J=C3=B6rg?=\" <j@example.de>, =?utf-8?q?Gr=C3=BCppe?=: x@example.de;\r\n"
        "Cc: \"odd \xEE\x80\x80 name\" <odd@example.org>\r\n"
        "\r\n"
        "body\r\n";
    const MessageSummary s = checked_summary(raw);
    EXPECT_EQ(s.envelope.subject, "=?utf-8?q?caf=C3=A9?= =?utf-8?b?w6k=?= menu");
    EXPECT_EQ(s.envelope.from, std::vector<Address>{mailbox("=?ISO-8859-1?Q?Andr=E9?= Pirard",
                                                            "pirard", "example.be")});
    EXPECT_EQ(s.envelope.to,
              (std::vector<Address>{mailbox("=?utf-8?q?J=C3=B6rg?=", "j", "example.de"),
                                    {Kind::group_start, "", "=?utf-8?q?Gr=C3=BCppe?=", ""},
                                    mailbox("", "x", "example.de"),
                                    {Kind::group_end, "", "", ""}}));
    EXPECT_EQ(s.envelope.cc,
              std::vector<Address>{mailbox("odd \xEE\x80\x80 name", "odd", "example.org")});
}

TEST(MessageSummary, Rfc2231Parameters) {
    const std::string raw =
        "Content-Type: multipart/mixed; boundary=b\r\n"
        "\r\n"
        "--b\r\n"
        "Content-Type: application/octet-stream;\r\n"
        " name*0*=utf-8''%E2%82%AC%20;\r\n"
        " name*1=\"rates.txt\"\r\n"
        "Content-Disposition: attachment;\r\n"
        " filename*=iso-8859-1'en'%A3%20rates.txt\r\n"
        "\r\n"
        "data\r\n"
        "--b--\r\n";
    const MessageSummary s = checked_summary(raw);
    ASSERT_EQ(s.root.children.size(), 1u);
    const BodyPart& part = s.root.children[0];
    EXPECT_EQ(value_of(part.params, "name"), "\xE2\x82\xAC rates.txt");
    EXPECT_EQ(value_of(part.disposition_params, "filename"), "\xC2\xA3 rates.txt");
    EXPECT_EQ(body_of(raw, part), "data");
}

TEST(MessageSummary, FoldedHeadersAreUnfolded) {
    const std::string raw =
        "Subject: a long\r\n"
        "\tsubject\r\n"
        "  folded twice  \r\n"
        "To: first@example.com,\r\n"
        " Second Person\r\n"
        "   <second@example.com>\r\n"
        "Message-ID:\r\n"
        " <id@example.com>\r\n"
        "Content-Type: multipart/mixed;\r\n"
        " boundary=\"a\r\n"
        " b\"\r\n"
        "\r\n"
        "--a b\r\n"
        "\r\n"
        "part\r\n"
        "--a b--\r\n";
    const MessageSummary s = checked_summary(raw);
    EXPECT_EQ(s.envelope.subject, "a long\tsubject  folded twice");
    EXPECT_EQ(s.envelope.message_id, "<id@example.com>");
    EXPECT_EQ(s.envelope.to,
              (std::vector<Address>{mailbox("", "first", "example.com"),
                                    mailbox("Second Person", "second", "example.com")}));
    EXPECT_EQ(value_of(s.root.params, "boundary"), "a b");
    ASSERT_EQ(s.root.children.size(), 1u);
    EXPECT_EQ(body_of(raw, s.root.children[0]), "part");
}

TEST(MessageSummary, LfOnlyLineEnds) {
    const std::string raw =
        "Subject: unix\n"
        "Content-Type: multipart/mixed; boundary=zz\n"
        "\n"
        "--zz\n"
        "Content-Type: text/plain\n"
        "\n"
        "one\n"
        "two\n"
        "--zz\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "Subject: inside\n"
        "\n"
        "inner\n"
        "\n"
        "--zz--\n";
    const MessageSummary s = checked_summary(raw);
    EXPECT_EQ(s.envelope.subject, "unix");
    ASSERT_EQ(s.root.children.size(), 2u);
    EXPECT_EQ(header_of(raw, s.root.children[0]), "Content-Type: text/plain\n\n");
    EXPECT_EQ(body_of(raw, s.root.children[0]), "one\ntwo");
    EXPECT_EQ(s.root.children[0].body_lines, 2u);
    const BodyPart& message = s.root.children[1];
    EXPECT_EQ(body_of(raw, message), "Subject: inside\n\ninner\n");
    ASSERT_TRUE(message.envelope);
    EXPECT_EQ(message.envelope->subject, "inside");
    ASSERT_EQ(message.children.size(), 1u);
    EXPECT_EQ(header_of(raw, message.children[0]), "Subject: inside\n\n");
    EXPECT_EQ(body_of(raw, message.children[0]), "inner\n");
}

TEST(MessageSummary, MultipartDigestDefaultsToMessage) {
    const std::string raw =
        "Content-Type: multipart/digest; boundary=d\r\n"
        "\r\n"
        "--d\r\n"
        "\r\n"
        "Subject: first\r\n"
        "\r\n"
        "one\r\n"
        "--d\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "explicit\r\n"
        "--d--\r\n";
    const MessageSummary s = checked_summary(raw);
    ASSERT_EQ(s.root.children.size(), 2u);
    const BodyPart& digested = s.root.children[0];
    EXPECT_EQ(digested.type, "message");
    EXPECT_EQ(digested.subtype, "rfc822");
    ASSERT_TRUE(digested.envelope);
    EXPECT_EQ(digested.envelope->subject, "first");
    EXPECT_EQ(body_of(raw, digested), "Subject: first\r\n\r\none");
    EXPECT_EQ(s.root.children[1].type, "text");
}

TEST(MessageSummary, DefaultsAndOddFraming) {
    // RFC 2045 §5.2: an invalid Content-Type means text/plain, and no parameters are invented.
    MessageSummary s = checked_summary("Content-Type: nonsense\r\n\r\nx");
    EXPECT_EQ(s.root.type, "text");
    EXPECT_EQ(s.root.subtype, "plain");
    EXPECT_TRUE(s.root.params.empty());

    // A header without a blank line after it: the body is empty, at the end.
    const std::string header_only = "Subject: nothing else\r\n";
    s = checked_summary(header_only);
    EXPECT_EQ(s.envelope.subject, "nothing else");
    EXPECT_EQ(s.root.header_size, header_only.size());
    EXPECT_EQ(s.root.body_size, 0u);

    // No close delimiter: the last part runs to the end of the message.
    const std::string unclosed =
        "Content-Type: multipart/mixed; boundary=u\r\n\r\n--u\r\n\r\nfirst\r\n--u\r\n\r\nlast\r\n";
    s = checked_summary(unclosed);
    ASSERT_EQ(s.root.children.size(), 2u);
    EXPECT_EQ(body_of(unclosed, s.root.children[1]), "last\r\n");

    // A line that only starts with the boundary is not a delimiter, nor one with text after.
    const std::string lookalike =
        "Content-Type: multipart/mixed; boundary=u\r\n\r\n--u\r\n\r\n--ux\r\n--u x\r\n--u--\r\n";
    s = checked_summary(lookalike);
    ASSERT_EQ(s.root.children.size(), 1u);
    EXPECT_EQ(body_of(lookalike, s.root.children[0]), "--ux\r\n--u x");

    // RFC 2045 §6.4: an encoded multipart cannot be looked into.
    s = checked_summary(
        "Content-Type: multipart/mixed; boundary=e\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "--e\r\n\r\nx\r\n--e--\r\n");
    EXPECT_TRUE(s.root.is_multipart());
    EXPECT_TRUE(s.root.children.empty());

    // A multipart without a boundary has no parts to find.
    s = checked_summary("Content-Type: multipart/mixed\r\n\r\n--x\r\n\r\nbody\r\n--x--\r\n");
    EXPECT_TRUE(s.root.children.empty());
}

TEST(MessageSummary, HasAttachmentRules) {
    const auto summary_of_part = [](const std::string& part_header) {
        return summarize("Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n" + part_header +
                         "\r\nbody\r\n--b--\r\n");
    };
    EXPECT_TRUE(summary_of_part("Content-Type: image/png; name=a.png\r\n").has_attachment);
    EXPECT_TRUE(summary_of_part("Content-Type: application/zip\r\n"
                                "Content-Disposition: inline; filename=a.zip\r\n")
                    .has_attachment);
    EXPECT_TRUE(summary_of_part("Content-Type: text/plain\r\n"
                                "Content-Disposition: attachment\r\n")
                    .has_attachment);
    EXPECT_FALSE(summary_of_part("Content-Type: text/plain; name=notes.txt\r\n").has_attachment);
    EXPECT_FALSE(summary_of_part("Content-Type: application/pgp-signature\r\n").has_attachment);
    EXPECT_FALSE(summarize("Subject: x\r\n\r\nplain").has_attachment);
}

TEST(MessageSummary, LineCounts) {
    std::string eight_octet_lines;
    for (int i = 0; i < 700; ++i) {
        eight_octet_lines += "1234567\n";  // every LF in the same position of a word
    }
    const std::vector<std::pair<std::string, std::uint64_t>> bodies = {
        {"", 0},
        {"x", 1},
        {"\r\n", 1},
        {"a\r\nb", 2},
        {std::string(5000, '\n'), 5000},
        {std::string(4099, '\n') + "tail", 4100},
        {eight_octet_lines, 700},
        {eight_octet_lines + "1234", 701},
    };
    for (const auto& [body, lines] : bodies) {
        const std::string raw = "Subject: x\r\n\r\n" + body;
        EXPECT_EQ(checked_summary(raw).root.body_lines, lines) << body.size() << " octets";
    }
}

TEST(MessageSummary, GarbageAndEmptyInput) {
    MessageSummary s = checked_summary("");
    EXPECT_EQ(s.root.type, "text");
    EXPECT_EQ(s.root.subtype, "plain");
    EXPECT_EQ(s.root.header_size, 0u);
    EXPECT_EQ(s.root.body_size, 0u);
    EXPECT_EQ(s.root.body_lines, 0u);
    EXPECT_EQ(s.envelope, Envelope{});

    // Text with no header field at all is one text/plain body.
    const std::string text = "just some words\r\nno header here\r\n\r\nmore";
    s = checked_summary(text);
    EXPECT_EQ(s.root.header_size, 0u);
    EXPECT_EQ(body_of(text, s.root), text);
    EXPECT_EQ(s.root.body_lines, 4u);

    // But a stray line among fields, such as an mbox "From " line, is skipped over.
    const std::string mbox = "From a@b Thu Dec  2 10:55:56 2004\r\nSubject: kept\r\n\r\nbody";
    s = checked_summary(mbox);
    EXPECT_EQ(s.envelope.subject, "kept");
    EXPECT_EQ(body_of(mbox, s.root), "body");

    std::mt19937 random(12345);
    for (int round = 0; round < 200; ++round) {
        std::string noise(random() % 2000, '\0');
        for (char& c : noise) {
            // Mostly the octets that matter to MIME framing, some anything at all.
            static constexpr char kInteresting[] = "-\r\n:; =\"?\tabc<>@,";
            c = random() % 4 ? kInteresting[random() % (sizeof kInteresting - 1)]
                             : static_cast<char>(random());
        }
        checked_summary(noise);
        checked_summary("Content-Type: multipart/mixed; boundary=-\r\n\r\n" + noise);
    }
}

TEST(MessageSummary, DeepNestingStopsAtMaxDepth) {
    const int levels = kMaxDepth + 40;
    std::string raw;
    for (int i = 0; i < levels; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) + "\r\n\r\n--b" +
               std::to_string(i) + "\r\n";
    }
    raw += "\r\nleaf\r\n";
    for (int i = levels - 1; i >= 0; --i) {
        raw += "--b" + std::to_string(i) + "--\r\n";
    }
    const MessageSummary s = checked_summary(raw);
    const BodyPart* part = &s.root;
    int depth = 0;
    while (!part->children.empty()) {
        ASSERT_EQ(part->children.size(), 1u);
        part = &part->children[0];
        ++depth;
    }
    EXPECT_EQ(depth, kMaxDepth);
    EXPECT_TRUE(part->is_multipart()) << "the part at the limit is kept, as a leaf";

    std::string messages;
    for (int i = 0; i < levels; ++i) {
        messages += "Subject: level " + std::to_string(i) + "\nContent-Type: message/rfc822\n\n";
    }
    checked_summary(messages + "Subject: bottom\n\nbody\n");
}

TEST(MessageSummary, ManyPartsInOrder) {
    std::string raw = "Content-Type: multipart/mixed; boundary=m\r\n\r\n";
    for (int i = 0; i < 2000; ++i) {
        raw += "--m\r\nContent-Type: text/plain\r\n\r\npart " + std::to_string(i) + "\r\n";
    }
    raw += "--m--\r\n";
    const MessageSummary s = checked_summary(raw);
    ASSERT_EQ(s.root.children.size(), 2000u);
    EXPECT_EQ(body_of(raw, s.root.children[1999]), "part 1999");
}

// Like Dovecot's max_total_mime_parts (10000): beyond it a composite part stays a leaf.
TEST(MessageSummary, TotalPartsAreBounded) {
    const auto multipart_of = [](int parts) {
        std::string raw = "Content-Type: multipart/mixed; boundary=m\r\n\r\n";
        for (int i = 0; i < parts; ++i) {
            raw += "--m\r\n\r\n.\r\n";
        }
        return raw + "--m--\r\n";
    };
    EXPECT_EQ(checked_summary(multipart_of(9999)).root.children.size(), 9999u);
    const std::string too_many = multipart_of(10000);
    const MessageSummary s = checked_summary(too_many);
    EXPECT_TRUE(s.root.is_multipart());
    EXPECT_TRUE(s.root.children.empty());
    EXPECT_EQ(body_of(too_many, s.root).size(), too_many.size() - s.root.header_size);
}

MessageSummary rich_summary() {
    MessageSummary s = summarize(kMixed);
    s.envelope.to = {
        {Kind::group_start, "", "g", ""}, mailbox("N", "l", "h"), {Kind::group_end, "", "", ""}};
    s.references = {"<a@b>", "<c@d>"};
    BodyPart message;
    message.type = "message";
    message.subtype = "rfc822";
    message.envelope = Envelope{};
    message.envelope->subject = std::string("with\0nul", 8);
    message.children.push_back(BodyPart{});
    message.body_offset = std::uint64_t{1} << 63;
    message.body_lines = ~std::uint64_t{0};
    s.root.children.push_back(message);
    return s;
}

TEST(MessageSummaryCodec, RoundTrip) {
    const MessageSummary s = rich_summary();
    const std::vector<std::uint8_t> bytes = serialize(s);
    EXPECT_EQ(bytes[0], 1) << "a leading version octet";
    EXPECT_EQ(deserialize(bytes), s);
    EXPECT_EQ(deserialize(serialize(MessageSummary{})), MessageSummary{});
}

void expect_corrupt(const std::vector<std::uint8_t>& bytes, const std::string& what) {
    try {
        deserialize(bytes);
        ADD_FAILURE() << what << ": no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::corrupt) << what;
    }
}

TEST(MessageSummaryCodec, MalformedInputIsCorrupt) {
    const std::vector<std::uint8_t> good = serialize(rich_summary());
    for (std::size_t size = 0; size < good.size(); ++size) {
        expect_corrupt({good.begin(), good.begin() + size}, "truncated to " + std::to_string(size));
    }
    std::vector<std::uint8_t> bytes = good;
    bytes.push_back(0);
    expect_corrupt(bytes, "trailing octet");
    bytes = good;
    bytes[0] = 2;
    expect_corrupt(bytes, "unknown version");
    // A date claiming to be 2^62 octets long.
    expect_corrupt({1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40}, "huge length");
    expect_corrupt({1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, "overflow");

    // An empty summary's layout: version, envelope (2 strings, 6 lists, 2 strings), references,
    // has_attachment, then the root part.
    std::vector<std::uint8_t> empty = serialize(MessageSummary{});
    const std::size_t flag_at = 1 + 10 + 1;
    ASSERT_EQ(empty[flag_at], 0);
    bytes = empty;
    bytes[flag_at] = 2;
    expect_corrupt(bytes, "flag neither 0 nor 1");
    bytes = {1, 0, 0, 1, 3, 0, 0, 0};  // From holds one address of kind 3
    expect_corrupt(bytes, "bad address kind");

    // Parts nested one level deeper than summarize() ever makes them.
    std::vector<std::uint8_t> part = serialize(MessageSummary{});
    part.erase(part.begin(), part.begin() + flag_at + 1);  // one childless part
    ASSERT_EQ(part.back(), 0);
    part.pop_back();
    std::vector<std::uint8_t> nested(empty.begin(), empty.begin() + flag_at + 1);
    for (int depth = 0; depth <= kMaxDepth + 1; ++depth) {
        nested.insert(nested.end(), part.begin(), part.end());
        nested.push_back(depth <= kMaxDepth ? 1 : 0);
    }
    expect_corrupt(nested, "too deep");
    // One level less is what summarize() can produce, and must decode.
    nested.resize(nested.size() - part.size() - 1);
    nested.back() = 0;
    EXPECT_NO_THROW(deserialize(nested));
}

TEST(MessageSummaryCodec, RandomMutationsThrowOnlyCorrupt) {
    const std::vector<std::uint8_t> good = serialize(rich_summary());
    std::mt19937 random(777);
    for (int round = 0; round < 5000; ++round) {
        std::vector<std::uint8_t> bytes = good;
        for (int flips = 1 + random() % 4; flips > 0; --flips) {
            bytes[random() % bytes.size()] = static_cast<std::uint8_t>(random());
        }
        try {
            check_round_trip(deserialize(bytes));
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::corrupt);
        }
    }
}

TEST(MessageSummary, ConformanceCorpus) {
    const std::filesystem::path corpus = SEALBOX_SHARED_DIR "/conformance/corpus";
    if (!std::filesystem::is_directory(corpus)) {
        GTEST_SKIP() << corpus << " is absent";
    }
    int messages = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
        if (entry.path().extension() != ".eml") {
            continue;
        }
        SCOPED_TRACE(entry.path().string());
        std::ifstream file(entry.path(), std::ios::binary);
        const std::string raw{std::istreambuf_iterator<char>(file), {}};
        checked_summary(raw);
        ++messages;
    }
    EXPECT_GT(messages, 400);
}

}  // namespace
}  // namespace sealbox::mime

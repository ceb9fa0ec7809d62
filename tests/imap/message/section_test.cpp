#include <gtest/gtest.h>

#include "imap/message/render.h"
#include "imap/message/test_messages.h"

namespace sealbox::imap {
namespace {

using test::crlf;
using Text = Section::Text;

class SectionTest : public ::testing::Test {
  protected:
    std::string fetch(std::vector<std::uint32_t> part, Text text = Text::all,
                      std::vector<std::string> fields = {}) {
        return section_content(raw_, summary_, Section{std::move(part), text, std::move(fields)});
    }
    void use(std::string raw) {
        raw_ = std::move(raw);
        summary_ = mime::summarize(raw_);
    }

    std::string raw_ = test::rich_message();
    mime::MessageSummary summary_ = mime::summarize(raw_);
};

const std::string kInnerHeader =
    crlf({"From: Carol <carol@example.com>", "Subject: Inner", "Content-Type: text/plain", "", ""});

TEST_F(SectionTest, WholeMessageHeaderAndText) {
    EXPECT_EQ(fetch({}), raw_);
    const std::string header = fetch({}, Text::header);
    EXPECT_EQ(header, raw_.substr(0, raw_.find("\r\n\r\n") + 4));
    EXPECT_EQ(fetch({}, Text::text), raw_.substr(header.size()));
    EXPECT_TRUE(fetch({}, Text::text).starts_with("preamble\r\n--outer\r\n"));
}

TEST_F(SectionTest, PartsAtEveryLevel) {
    EXPECT_EQ(fetch({1, 1}), "Hello");
    EXPECT_EQ(fetch({1, 2}), "<p>Hello=21</p>");
    EXPECT_EQ(fetch({1, 1}, Text::mime), "Content-Type: text/plain; charset=utf-8\r\n\r\n");
    EXPECT_EQ(fetch({1}), crlf({"--inner", "Content-Type: text/plain; charset=utf-8", "", "Hello",
                                "--inner", "Content-Type: text/html; charset=utf-8",
                                "Content-Transfer-Encoding: quoted-printable", "",
                                "<p>Hello=21</p>", "--inner--"}));
    EXPECT_EQ(fetch({1}, Text::mime),
              "Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n");
    EXPECT_EQ(fetch({3}), "JVBERi0xLjQK");
}

// RFC 9051 §6.4.5: BODY[2] of a message/rfc822 part is the whole attached message; 2.HEADER
// and 2.TEXT are its header and text, and 2.1 the body of a non-multipart attached message.
TEST_F(SectionTest, AttachedMessage) {
    EXPECT_EQ(fetch({2}), kInnerHeader + "Inner body\r\nline 2");
    EXPECT_EQ(fetch({2}, Text::mime),
              "Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n");
    EXPECT_EQ(fetch({2}, Text::header), kInnerHeader);
    EXPECT_EQ(fetch({2}, Text::text), "Inner body\r\nline 2");
    EXPECT_EQ(fetch({2, 1}), "Inner body\r\nline 2");
    EXPECT_EQ(fetch({2, 1}, Text::mime), kInnerHeader);
    EXPECT_EQ(fetch({2}, Text::header_fields, {"SUBJECT"}), "Subject: Inner\r\n\r\n");
}

// An attached multipart message numbers its own parts below the message part.
TEST_F(SectionTest, AttachedMultipartMessage) {
    use(crlf({"Content-Type: multipart/mixed; boundary=o", "", "--o",
              "Content-Type: message/rfc822", "", "Subject: inner",
              "Content-Type: multipart/alternative; boundary=i", "", "--i", "", "first", "--i",
              "Content-Type: text/html", "", "<b>second</b>", "--i--", "--o--", ""}));
    EXPECT_EQ(fetch({1, 1}), "first");
    EXPECT_EQ(fetch({1, 2}), "<b>second</b>");
    EXPECT_EQ(fetch({1, 2}, Text::mime), "Content-Type: text/html\r\n\r\n");
    EXPECT_EQ(fetch({1}, Text::text), crlf({"--i", "", "first", "--i", "Content-Type: text/html",
                                            "", "<b>second</b>", "--i--"}));
    EXPECT_EQ(fetch({1, 3}), "");
}

TEST_F(SectionTest, NonexistentPartsAreEmpty) {
    EXPECT_EQ(fetch({0}), "");
    EXPECT_EQ(fetch({4}), "");
    EXPECT_EQ(fetch({1, 3}), "");
    EXPECT_EQ(fetch({1, 1, 1}), "");
    EXPECT_EQ(fetch({2, 2}), "");
    EXPECT_EQ(fetch({2, 1, 1}), "");
    EXPECT_EQ(fetch({4}, Text::mime), "");
    // HEADER and TEXT after a number are only for message/rfc822 parts.
    EXPECT_EQ(fetch({3}, Text::header), "");
    EXPECT_EQ(fetch({3}, Text::text), "");
    EXPECT_EQ(fetch({1}, Text::header), "");
    EXPECT_EQ(fetch({1, 1}, Text::header_fields, {"CONTENT-TYPE"}), "");
}

// A message that is not multipart has only part 1, its body; BODY[1.MIME] is its header.
TEST_F(SectionTest, SinglePartMessage) {
    use(crlf({"Subject: hi", "Content-Type: text/plain", "", "only body", ""}));
    EXPECT_EQ(fetch({1}), "only body\r\n");
    EXPECT_EQ(fetch({1}, Text::mime), "Subject: hi\r\nContent-Type: text/plain\r\n\r\n");
    EXPECT_EQ(fetch({}, Text::text), "only body\r\n");
    EXPECT_EQ(fetch({2}), "");
    EXPECT_EQ(fetch({1, 1}), "");
}

// Matching ignores case; folded fields come whole, in message order; the blank line ends the
// result even when nothing matched.
TEST_F(SectionTest, HeaderFields) {
    EXPECT_EQ(fetch({}, Text::header_fields, {"SUBJECT", "FROM"}),
              "From: Alice <alice@example.org>\r\nSubject: Report,\r\n folded\r\n\r\n");
    EXPECT_EQ(fetch({}, Text::header_fields, {"X-ABSENT"}), "\r\n");
    EXPECT_EQ(fetch({}, Text::header_fields_not,
                    {"SUBJECT", "DATE", "MESSAGE-ID", "MIME-VERSION", "CONTENT-TYPE"}),
              "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\n\r\n");
}

TEST_F(SectionTest, HeaderFieldsRepeatedAndOddlySpaced) {
    use(crlf({"Received: one", "X-A : spaced", "received: two", "\tcontinued", "", "body"}));
    EXPECT_EQ(fetch({}, Text::header_fields, {"RECEIVED"}),
              "Received: one\r\nreceived: two\r\n\tcontinued\r\n\r\n");
    EXPECT_EQ(fetch({}, Text::header_fields, {"X-A"}), "X-A : spaced\r\n\r\n");
    EXPECT_EQ(fetch({}, Text::header_fields_not, {"RECEIVED"}), "X-A : spaced\r\n\r\n");
}

// RFC 9051 §6.4.5: no blank line for a message that has neither a body nor a blank line; a
// last field without a line break still gets one.
TEST_F(SectionTest, HeaderOnlyMessage) {
    use("Subject: x\r\nFrom: a@example.org");
    EXPECT_EQ(fetch({}, Text::header), "Subject: x\r\nFrom: a@example.org");
    EXPECT_EQ(fetch({}, Text::header_fields, {"FROM"}), "From: a@example.org\r\n");
    EXPECT_EQ(fetch({}, Text::header_fields, {"SUBJECT"}), "Subject: x\r\n");
    EXPECT_EQ(fetch({}, Text::text), "");
}

// The session may pass only the header for HEADER-type fetches of the whole message.
TEST_F(SectionTest, HeaderOnlyRaw) {
    const std::string header = fetch({}, Text::header);
    EXPECT_EQ(section_content(header, summary_, Section{{}, Text::header, {}}), header);
    EXPECT_EQ(section_content(header, summary_, Section{{}, Text::header_fields, {"TO"}}),
              "To: Bob <bob@example.net>\r\n\r\n");
}

TEST(Partial, Cuts) {
    EXPECT_EQ(apply_partial("hello", std::nullopt), "hello");
    EXPECT_EQ(apply_partial("hello", Partial{1, 3}), "ell");
    EXPECT_EQ(apply_partial("hello", Partial{3, 10}), "lo");
    EXPECT_EQ(apply_partial("hello", Partial{0, 0}), "");
    EXPECT_EQ(apply_partial("hello", Partial{5, 2}), "");
    EXPECT_EQ(apply_partial("hello", Partial{~0ull, ~0ull}), "");
    EXPECT_EQ(apply_partial("hello", Partial{0, ~0ull}), "hello");
}

}  // namespace
}  // namespace sealbox::imap

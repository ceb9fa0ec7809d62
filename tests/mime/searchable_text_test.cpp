#include "mime/searchable_text.h"

#include <gtest/gtest.h>

#include <string>

namespace sealbox::mime {
namespace {

TEST(SearchableText, HeadersAreUnfoldedAndDecoded) {
    const SearchableText text = searchable_text(
        "From: =?UTF-8?Q?J=C3=B6rg?= <jorg@example.com>\r\n"
        "Subject: =?ISO-8859-1?Q?caf=E9?=\r\n"
        "  and more\r\n"
        "X-Raw: na\xEFve\r\n"
        "\r\n"
        "body\r\n");
    EXPECT_EQ(text.headers,
              "From: Jörg <jorg@example.com>\n"
              "Subject: café  and more\n"  // unfolding keeps the blanks
              "X-Raw: naïve\n");
    EXPECT_EQ(text.body, "body\r\n\n");
}

TEST(SearchableText, TransferEncodingsAndCharsetsAreUndone) {
    const SearchableText text = searchable_text(
        "Content-Type: multipart/mixed; boundary=b\r\n"
        "\r\n"
        "--b\r\n"
        "Content-Type: text/plain; charset=iso-8859-15\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "\r\n"
        "price: 5 =A4, soft=\r\n"
        "break\r\n"
        "--b\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        "R3LDvMOfZSBhdXMgS8O2bG4=\r\n"
        "--b\r\n"
        "Content-Type: image/png\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "\r\n"
        "aW1hZ2VieXRlcw==\r\n"
        "--b--\r\n");
    EXPECT_NE(text.body.find("price: 5 €, softbreak"), std::string::npos) << text.body;
    EXPECT_NE(text.body.find("Grüße aus Köln"), std::string::npos) << text.body;
    EXPECT_EQ(text.body.find("imagebytes"), std::string::npos) << "not a text part";
}

TEST(SearchableText, UnknownCharsetIsUtf8OrElseLatin1) {
    EXPECT_EQ(searchable_text("Content-Type: text/plain; charset=x-nonesuch\n\nK\xC3\xB6ln").body,
              "Köln\n");
    EXPECT_EQ(searchable_text("Content-Type: text/plain; charset=x-nonesuch\n\nK\xF6ln").body,
              "Köln\n");
    EXPECT_EQ(searchable_text("Content-Type: text/plain\n\nK\xF6ln").body, "Köln\n");
}

TEST(SearchableText, InvalidOctetsInAKnownCharsetBecomeReplacementCharacters) {
    const std::string body =
        searchable_text("Content-Type: text/plain; charset=shift_jis\n\n\x82\xA0\xFF ok").body;
    EXPECT_EQ(body, "あ\xEF\xBF\xBD ok\n");
}

TEST(SearchableText, HtmlLosesItsMarkup) {
    const SearchableText text = searchable_text(
        "Content-Type: text/html; charset=utf-8\n\n"
        "<html><head><style>p { color: red }</style><script>var secret = 1;</script></head>"
        "<body><p>Hello <b>W</b>orld &amp; caf&eacute; &#233;t&#xE9;</p><!-- hidden --><div>next"
        "</div> a < b</body></html>");
    EXPECT_NE(text.body.find("Hello World & caf&eacute; été"), std::string::npos) << text.body;
    EXPECT_NE(text.body.find("\nnext"), std::string::npos) << "a block ends a word";
    EXPECT_NE(text.body.find("a < b"), std::string::npos);
    EXPECT_EQ(text.body.find("color"), std::string::npos);
    EXPECT_EQ(text.body.find("secret"), std::string::npos);
    EXPECT_EQ(text.body.find("hidden"), std::string::npos);
    EXPECT_EQ(text.body.find('<'), text.body.find("< b"));
}

TEST(SearchableText, AttachedMessagesContributeTheirHeaderAndText) {
    const SearchableText text = searchable_text(
        "Subject: outer\n"
        "Content-Type: message/rfc822\n"
        "\n"
        "Subject: =?utf-8?q?inn=C3=A9r?=\n"
        "Content-Type: text/plain\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        "\n"
        "inner=20text\n");
    EXPECT_EQ(text.headers, "Subject: outer\nContent-Type: message/rfc822\n");
    EXPECT_NE(text.body.find("Subject: innér\n"), std::string::npos) << text.body;
    EXPECT_NE(text.body.find("inner text"), std::string::npos) << text.body;
}

TEST(SearchableText, TextIsCappedOnACharacterBoundary) {
    std::string raw = "Content-Type: text/plain; charset=utf-8\n\n";
    for (std::size_t i = 0; i < kMaxSearchableText; ++i) {
        raw += "é";  // two octets each: twice the cap
    }
    const std::string body = searchable_text(raw).body;
    EXPECT_EQ(body.size(), kMaxSearchableText);
    EXPECT_EQ(body.substr(body.size() - 2), "é");
}

TEST(SearchableText, DeepNestingIsBounded) {
    std::string raw;
    for (int i = 0; i < 10000; ++i) {
        raw += "Content-Type: message/rfc822\n\n";
    }
    raw += "Content-Type: text/plain\n\ndeepest\n";
    const SearchableText text = searchable_text(raw);
    EXPECT_EQ(text.body.find("deepest"), std::string::npos) << "past kMaxDepth";
    EXPECT_LE(text.body.size(), kMaxSearchableText);
}

TEST(SearchableText, DecodeHeaderTextAlwaysGivesUtf8) {
    EXPECT_EQ(decode_header_text("=?utf-8?b?SsO2cmc=?= x"), "Jörg x");
    EXPECT_EQ(decode_header_text("plain"), "plain");
    EXPECT_EQ(decode_header_text(std::string_view("a\0b", 3)), "a");
}

}  // namespace
}  // namespace sealbox::mime

#include <gmime/gmime.h>
#include <gtest/gtest.h>

#include <random>

#include "imap/message/render.h"
#include "imap/message/test_messages.h"

namespace sealbox::imap {
namespace {

using test::crlf;

std::optional<std::string> binary(const std::string& raw, std::vector<std::uint32_t> part) {
    const mime::MessageSummary summary = mime::summarize(raw);
    const std::optional<std::string> content = binary_content(raw, summary, part);
    const std::optional<std::uint64_t> size = binary_size(raw, summary, part);
    EXPECT_EQ(content.has_value(), size.has_value());
    if (content && size) {
        EXPECT_EQ(content->size(), *size);  // BINARY.SIZE agrees with BINARY
    }
    return content;
}

std::string single_part(std::string_view encoding, std::string_view body) {
    return crlf({"Content-Type: application/octet-stream",
                 "Content-Transfer-Encoding: " + std::string(encoding), "", body});
}

TEST(Binary, DecodesEachPartOfANestedMessage) {
    const std::string raw = test::rich_message();
    EXPECT_EQ(binary(raw, {3}), "%PDF-1.4\n");
    EXPECT_EQ(binary(raw, {1, 2}), "<p>Hello!</p>");
    EXPECT_EQ(binary(raw, {1, 1}), "Hello");
    // A message/rfc822 part is 7bit: its octets as they are.
    EXPECT_EQ(binary(raw, {2}),
              section_content(raw, mime::summarize(raw), Section{{2}, Section::Text::all, {}}));
    EXPECT_EQ(binary(raw, {}), raw);
    EXPECT_EQ(binary(raw, {9}), "");
}

TEST(Binary, Base64WithNulAndLineBreaks) {
    EXPECT_EQ(binary(single_part("base64", "AAEC\r\nA/8=\r\n"), {1}),
              std::string("\x00\x01\x02\x03\xff", 5));
}

// RFC 2045 §6.8: characters outside the base64 alphabet are ignored, so damaged base64 still
// decodes to what the intact characters say, rather than failing the FETCH.
TEST(Binary, DamagedBase64Decodes) {
    EXPECT_EQ(binary(single_part("base64", "SGVs*bG8g!d29y\r\nbGQ=\r\n-- \r\n"), {1}),
              "Hello world");
    // GMime drops an incomplete last quantum.
    EXPECT_EQ(binary(single_part("base64", "SGVsbG8"), {1}), "Hel");
}

TEST(Binary, QuotedPrintable) {
    EXPECT_EQ(binary(single_part("quoted-printable", "caf=C3=A9 =3D soft=\r\nbreak\r\n"), {1}),
              "caf\xC3\xA9 = softbreak\r\n");
    // GMime drops a malformed escape; the rest still decodes.
    EXPECT_EQ(binary(single_part("Quoted-Printable", "100=%"), {1}), "100");
}

TEST(Binary, IdentityEncodings) {
    EXPECT_EQ(binary(single_part("8bit", "caf\xC3\xA9"), {1}), "caf\xC3\xA9");
    EXPECT_EQ(binary(single_part("binary", std::string("a\0b", 3)), {1}), std::string("a\0b", 3));
    EXPECT_EQ(binary(crlf({"Subject: x", "", "plain"}), {1}), "plain");
}

// RFC 3516 §4.3: an encoding the server cannot undo fails the fetch with UNKNOWN-CTE.
TEST(Binary, UnknownEncoding) {
    EXPECT_EQ(binary(single_part("x-uuencode", "begin 644 a\r\n`\r\nend"), {1}), std::nullopt);
    EXPECT_EQ(binary(single_part("gzip", "x"), {1}), std::nullopt);
}

// Decoding runs in chunks; content larger than one must come out whole.
TEST(Binary, LargeBase64AcrossChunks) {
    std::mt19937 random(42);
    std::string original(300001, '\0');
    for (char& c : original) {
        c = static_cast<char>(random());
    }
    GMimeEncoding state;
    g_mime_encoding_init_encode(&state, GMIME_CONTENT_ENCODING_BASE64);
    std::string encoded(g_mime_encoding_outlen(&state, original.size()), '\0');
    encoded.resize(g_mime_encoding_flush(&state, original.data(), original.size(), encoded.data()));
    EXPECT_EQ(binary(single_part("base64", encoded), {1}), original);
}

}  // namespace
}  // namespace sealbox::imap

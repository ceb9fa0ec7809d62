#include "imap/proto/fetch_attribute.h"

#include <gtest/gtest.h>

namespace sealbox::imap {
namespace {

using Kind = FetchAttribute::Kind;

std::vector<FetchAttribute> parse(std::string_view input) {
    Limits limits;
    Lexer lexer(input, limits, false);
    auto out = parse_fetch_attributes(lexer);
    EXPECT_TRUE(lexer.at_end()) << input;
    return out;
}

std::vector<Kind> kinds(std::string_view input) {
    std::vector<Kind> out;
    for (const FetchAttribute& a : parse(input)) {
        out.push_back(a.kind);
    }
    return out;
}

std::string error_of(std::string_view input) {
    try {
        parse(input);
    } catch (const SyntaxError& e) {
        return e.what();
    }
    return "no error";
}

TEST(FetchAttribute, Macros) {  // RFC 9051 §6.4.5
    EXPECT_EQ(kinds("ALL"), (std::vector<Kind>{Kind::flags, Kind::internal_date, Kind::rfc822_size,
                                               Kind::envelope}));
    EXPECT_EQ(kinds("fast"),
              (std::vector<Kind>{Kind::flags, Kind::internal_date, Kind::rfc822_size}));
    EXPECT_EQ(kinds("FULL").back(), Kind::body);
    EXPECT_EQ(error_of("(ALL)"), "Unknown FETCH data item ALL");
}

TEST(FetchAttribute, SimpleItems) {
    EXPECT_EQ(
        kinds("(ENVELOPE FLAGS INTERNALDATE RFC822.SIZE RFC822 RFC822.HEADER RFC822.TEXT "
              "BODY BODYSTRUCTURE UID MODSEQ)"),
        (std::vector<Kind>{Kind::envelope, Kind::flags, Kind::internal_date, Kind::rfc822_size,
                           Kind::rfc822, Kind::rfc822_header, Kind::rfc822_text, Kind::body,
                           Kind::body_structure, Kind::uid, Kind::modseq}));
    EXPECT_EQ(kinds("uid"), std::vector<Kind>{Kind::uid});
    EXPECT_EQ(kinds("(EMAILID THREADID)"),  // RFC 8474 §5
              (std::vector<Kind>{Kind::email_id, Kind::thread_id}));
}

TEST(FetchAttribute, BodySections) {
    auto a = parse("BODY[]")[0];
    EXPECT_EQ(a.kind, Kind::body_section);
    EXPECT_FALSE(a.peek);
    EXPECT_TRUE(a.section.part.empty());
    EXPECT_EQ(a.section.text, Section::Text::all);

    a = parse("BODY.PEEK[1.2.3.MIME]<0.2048>")[0];
    EXPECT_TRUE(a.peek);
    EXPECT_EQ(a.section.part, (std::vector<std::uint32_t>{1, 2, 3}));
    EXPECT_EQ(a.section.text, Section::Text::mime);
    ASSERT_TRUE(a.partial);
    EXPECT_EQ(a.partial->offset, 0u);
    EXPECT_EQ(a.partial->count, 2048u);

    a = parse("body[HEADER.FIELDS.NOT (Date \"From\")]")[0];
    EXPECT_EQ(a.section.text, Section::Text::header_fields_not);
    EXPECT_EQ(a.section.fields, (std::vector<std::string>{"DATE", "FROM"}));

    a = parse("BODY[2.TEXT]")[0];
    EXPECT_EQ(a.section.part, std::vector<std::uint32_t>{2});
    EXPECT_EQ(a.section.text, Section::Text::text);
    EXPECT_EQ(parse("BODY[3]")[0].section.part, std::vector<std::uint32_t>{3});
    EXPECT_EQ(parse("BODY[HEADER]")[0].section.text, Section::Text::header);
}

TEST(FetchAttribute, Binary) {  // RFC 3516 §4.1
    auto a = parse("(BINARY.PEEK[1.2]<10.20> BINARY.SIZE[1] BINARY[])");
    ASSERT_EQ(a.size(), 3u);
    EXPECT_EQ(a[0].kind, Kind::binary);
    EXPECT_TRUE(a[0].peek);
    EXPECT_EQ(a[0].section.part, (std::vector<std::uint32_t>{1, 2}));
    EXPECT_EQ(a[0].partial->offset, 10u);
    EXPECT_EQ(a[1].kind, Kind::binary_size);
    EXPECT_TRUE(a[2].section.part.empty());
    EXPECT_EQ(error_of("BINARY[1.TEXT]"), "BINARY takes only a part number");
}

TEST(FetchAttribute, Errors) {
    EXPECT_EQ(error_of("BODY[MIME]"), "Unknown section MIME");  // MIME needs a part
    EXPECT_EQ(error_of("BODY[0]"), "Expected a non-zero number");
    EXPECT_EQ(error_of("BODY[1]<5.0>"), "Expected a non-zero number");
    EXPECT_EQ(error_of("BODY[1]<5>"), "Expected \".\" in a partial range at position 9");
    EXPECT_EQ(error_of("BODY[HEADER.FIELDS ()]"), "Expected an atom or a string at position 20");
    EXPECT_EQ(error_of("(FLAGS"), "Expected \")\" at end of command");
    EXPECT_EQ(error_of("X-GM-LABELS"), "Unknown FETCH data item X-GM-LABELS");
    EXPECT_EQ(error_of("(FLAGS )"), "Expected a FETCH data item at position 7");
}

}  // namespace
}  // namespace sealbox::imap

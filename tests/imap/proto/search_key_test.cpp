#include "imap/proto/search_key.h"

#include <gtest/gtest.h>

#include <functional>

#include "imap/proto/command.h"

namespace sealbox::imap {
namespace {

using Kind = SearchKey::Kind;

Search search(std::string_view input, const ParseOptions& options = {}) {
    ParseResult r = parse_command(input, options);
    if (auto* e = std::get_if<ParseError>(&r)) {
        ADD_FAILURE() << "'" << input << "' failed: " << e->text;
        return {};
    }
    return std::get<Search>(std::get<TaggedCommand>(r).command);
}

std::string error_of(std::string_view input, const ParseOptions& options = {}) {
    ParseResult r = parse_command(input, options);
    if (auto* e = std::get_if<ParseError>(&r)) {
        return e->text;
    }
    return "accepted";
}

TEST(SearchKey, Rfc9051Example) {  // RFC 9051 §6.4.4
    Search s = search("A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"");
    EXPECT_FALSE(s.uid);
    EXPECT_TRUE(s.return_given);
    EXPECT_EQ(s.return_options, (std::vector<std::string>{"MIN", "COUNT"}));
    ASSERT_EQ(s.criteria.kind, Kind::all_of);
    ASSERT_EQ(s.criteria.children.size(), 3u);
    EXPECT_EQ(s.criteria.children[0].kind, Kind::flagged);
    EXPECT_EQ(s.criteria.children[1].kind, Kind::since);
    EXPECT_EQ(s.criteria.children[1].date, (SearchDate{1994, 2, 1}));
    const SearchKey& negation = s.criteria.children[2];
    EXPECT_EQ(negation.kind, Kind::negation);
    ASSERT_EQ(negation.children.size(), 1u);
    EXPECT_EQ(negation.children[0].kind, Kind::from);
    EXPECT_EQ(negation.children[0].value, "Smith");
}

TEST(SearchKey, CharsetOrGroupsAndSets) {
    Search s = search(
        "a UID SEARCH CHARSET UTF-8 OR (SUBJECT {4}\r\nf\xC3\xBC"
        "r HEADER x-spam yes) 1:5,$ UID 10:* KEYWORD $Junk");
    EXPECT_TRUE(s.uid);
    EXPECT_FALSE(s.return_given);
    EXPECT_EQ(s.charset, "UTF-8");
    ASSERT_EQ(s.criteria.children.size(), 3u);
    const SearchKey& any = s.criteria.children[0];
    EXPECT_EQ(any.kind, Kind::any_of);
    ASSERT_EQ(any.children.size(), 2u);
    EXPECT_EQ(any.children[0].kind, Kind::all_of);
    EXPECT_EQ(any.children[0].children[0].value, "f\xC3\xBCr");
    EXPECT_EQ(any.children[0].children[1].kind, Kind::header);
    EXPECT_EQ(any.children[0].children[1].field, "X-SPAM");
    EXPECT_EQ(any.children[1].kind, Kind::sequence);
    EXPECT_TRUE(any.children[1].set.saved_result);
    EXPECT_EQ(s.criteria.children[1].kind, Kind::uid);
    EXPECT_EQ(s.criteria.children[1].set.str(), "10:*");
    EXPECT_EQ(s.criteria.children[2].value, "$Junk");
}

TEST(SearchKey, EveryKeyword) {
    Search s = search(
        "a SEARCH ALL ANSWERED DELETED DRAFT FLAGGED SEEN RECENT NEW OLD UNANSWERED UNDELETED "
        "UNDRAFT UNFLAGGED UNSEEN BCC a BODY b CC c FROM d SUBJECT e TEXT f TO g BEFORE "
        "\"01-Jan-2020\" ON 2-mar-2021 SENTBEFORE 3-Apr-2022 SENTON 4-May-2023 SENTSINCE "
        "5-Jun-2024 LARGER 100 SMALLER 9223372036854775807 OLDER 60 YOUNGER 30 MODSEQ 5 MODSEQ "
        "\"/flags/\\\\draft\" all 620162338 UNKEYWORD x *");
    ASSERT_EQ(s.criteria.children.size(), 34u);
    EXPECT_EQ(s.criteria.children[29].kind, Kind::younger);
    EXPECT_EQ(s.criteria.children[30].kind, Kind::modseq);
    EXPECT_EQ(s.criteria.children[30].number, 5u);
    EXPECT_EQ(s.criteria.children[31].field, "/flags/\\draft");
    EXPECT_EQ(s.criteria.children[31].number, 620162338u);
    EXPECT_EQ(s.criteria.children[33].kind, Kind::sequence);
}

TEST(SearchKey, Errors) {
    EXPECT_EQ(error_of("a SEARCH SINCE 1-Foo-1994"), "Invalid date 1-Foo-1994");
    EXPECT_EQ(error_of("a SEARCH SINCE 123-Feb-1994"), "Invalid date 123-Feb-1994");
    EXPECT_EQ(error_of("a SEARCH SINCE 32-Feb-1994"), "Invalid date 32-Feb-1994");
    EXPECT_EQ(error_of("a SEARCH OR SEEN"), "Expected a space at end of command");
    EXPECT_EQ(error_of("a SEARCH RETURN (FOO) ALL"), "Unknown SEARCH return option FOO");
    EXPECT_EQ(error_of("a SEARCH"), "Expected a space at end of command");
    EXPECT_EQ(error_of("a SEARCH ()"), "Expected an atom at position 10");
    EXPECT_EQ(error_of("a SEARCH MODSEQ \"x\" bad 5"), "Invalid MODSEQ entry type BAD");
    EXPECT_EQ(error_of("a SEARCH OLDER 0"), "Expected a non-zero number");
    EXPECT_EQ(error_of("a SEARCH RETURN () ALL"), "accepted");
}

TEST(SearchKey, NestingIsBounded) {
    std::string nots = "a SEARCH ";
    for (int i = 0; i < 100000; ++i) {
        nots += "NOT ";
    }
    nots += "SEEN";
    EXPECT_EQ(error_of(nots), "Nesting too deep");
    std::string ors = "a SEARCH ";
    for (int i = 0; i < 100000; ++i) {
        ors += "OR SEEN ";
    }
    EXPECT_EQ(error_of(ors), "Nesting too deep");
    EXPECT_EQ(error_of("a SEARCH " + std::string(100000, '(')), "Nesting too deep");
    EXPECT_EQ(error_of("a SEARCH NOT (NOT (NOT SEEN))"), "accepted");
}

}  // namespace
}  // namespace sealbox::imap

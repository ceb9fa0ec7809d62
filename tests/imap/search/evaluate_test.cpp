#include "imap/search/evaluate.h"

#include <gtest/gtest.h>

#include <string>

#include "imap/search/fake_subject.h"

namespace sealbox::imap {
namespace {

using Kind = SearchKey::Kind;

constexpr std::string_view kMessage =
    "Date: Mon, 7 Feb 1994 23:52:25 -0800\r\n"
    "From: =?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.com>\r\n"
    "To: \"Smith, Ann\" <ann@example.org>, bob@example.net\r\n"
    "Cc: Team: carol@example.com, dave@example.com;\r\n"
    "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= from\r\n"
    " the office\r\n"
    "X-Priority: 1\r\n"
    "X-Empty:\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "The STRASSE is closed.\r\n";

// 8 Feb 1994 07:52:25 UTC: the message was sent on the 7th in its own zone but arrived on the
// 8th in UTC.
constexpr std::int64_t kArrival = 760693945;

SearchKey key(Kind kind) {
    SearchKey k;
    k.kind = kind;
    return k;
}

SearchKey text(Kind kind, std::string value) {
    SearchKey k = key(kind);
    k.value = std::move(value);
    return k;
}

SearchKey date(Kind kind, int year, int month, int day) {
    SearchKey k = key(kind);
    k.date = {year, month, day};
    return k;
}

SearchKey number(Kind kind, std::uint64_t n) {
    SearchKey k = key(kind);
    k.number = n;
    return k;
}

SearchKey header(std::string field, std::string value) {
    SearchKey k = text(Kind::header, std::move(value));
    k.field = std::move(field);
    return k;
}

SearchKey of(Kind kind, std::vector<SearchKey> children) {
    SearchKey k = key(kind);
    k.children = std::move(children);
    return k;
}

SearchKey uids(std::vector<SequenceRange> ranges) {
    SearchKey k = key(Kind::uid);
    k.set.ranges = std::move(ranges);
    return k;
}

class Evaluate : public ::testing::Test {
  protected:
    Evaluate() : message_(std::string(kMessage)) {
        MessageMeta& meta = message_.meta_value;
        meta.uid = 7;
        meta.modseq = 42;
        meta.flags = {"\\Seen", "\\Flagged", "$Forwarded"};
        meta.internal_date = kArrival;
        meta.size = 1000;
    }

    bool matches(const SearchKey& k, std::int64_t now = kArrival + 3600, Uid max_uid = 9) {
        return imap::matches(k, message_, now, max_uid);
    }

    FakeSubject message_;
};

TEST_F(Evaluate, Flags) {
    EXPECT_TRUE(matches(key(Kind::all)));
    EXPECT_TRUE(matches(key(Kind::seen)));
    EXPECT_TRUE(matches(key(Kind::flagged)));
    EXPECT_FALSE(matches(key(Kind::answered)));
    EXPECT_FALSE(matches(key(Kind::deleted)));
    EXPECT_FALSE(matches(key(Kind::draft)));
    EXPECT_FALSE(matches(key(Kind::unseen)));
    EXPECT_TRUE(matches(key(Kind::unanswered)));
    EXPECT_TRUE(matches(key(Kind::undeleted)));
    EXPECT_TRUE(matches(key(Kind::undraft)));
    EXPECT_FALSE(matches(key(Kind::unflagged)));
}

TEST_F(Evaluate, KeywordsCompareWithoutCase) {
    EXPECT_TRUE(matches(text(Kind::keyword, "$forwarded")));
    EXPECT_FALSE(matches(text(Kind::keyword, "$Junk")));
    EXPECT_FALSE(matches(text(Kind::unkeyword, "$FORWARDED")));
    EXPECT_TRUE(matches(text(Kind::unkeyword, "$Junk")));
}

TEST_F(Evaluate, NothingIsRecent) {
    EXPECT_FALSE(matches(key(Kind::recent)));
    EXPECT_FALSE(matches(key(Kind::new_)));
    EXPECT_TRUE(matches(key(Kind::old)));
    message_.meta_value.flags.clear();  // unseen, yet still not new
    EXPECT_FALSE(matches(key(Kind::new_)));
}

TEST_F(Evaluate, AddressesMatchOnDecodedNameAndAddress) {
    EXPECT_TRUE(matches(text(Kind::from, "jörg müller")));
    EXPECT_TRUE(matches(text(Kind::from, "JOERG@EXAMPLE")));
    EXPECT_TRUE(matches(text(Kind::from, "Müller <joerg@")));
    EXPECT_FALSE(matches(text(Kind::from, "=?UTF-8?")));
    EXPECT_TRUE(matches(text(Kind::to, "Smith, Ann")));
    EXPECT_TRUE(matches(text(Kind::to, "bob@example.net")));
    EXPECT_FALSE(matches(text(Kind::to, "carol")));
    EXPECT_TRUE(matches(text(Kind::cc, "carol@example.com")));
    EXPECT_TRUE(matches(text(Kind::cc, "team")));
    EXPECT_FALSE(matches(text(Kind::bcc, "example")));
    EXPECT_TRUE(matches(text(Kind::bcc, "")));
}

TEST_F(Evaluate, SubjectIsDecoded) {
    EXPECT_TRUE(matches(text(Kind::subject, "grüße")));
    EXPECT_TRUE(matches(text(Kind::subject, "GRÜSSE FROM")));  // full case folding: ß is ss
    EXPECT_TRUE(matches(text(Kind::subject, "from the office")));
    EXPECT_FALSE(matches(text(Kind::subject, "=FC")));
}

TEST_F(Evaluate, HeaderMatchesByFieldNameAndDecodedText) {
    EXPECT_TRUE(matches(header("X-PRIORITY", "1")));
    EXPECT_FALSE(matches(header("X-PRIORITY", "2")));
    EXPECT_TRUE(matches(header("SUBJECT", "grüße")));
    EXPECT_TRUE(matches(header("X-EMPTY", "")));  // present, even empty
    EXPECT_TRUE(matches(header("X-PRIORITY", "")));
    EXPECT_FALSE(matches(header("X-MISSING", "")));
    EXPECT_FALSE(matches(header("X-EMPTY", "x")));
}

TEST_F(Evaluate, BodyAndTextGoThroughTheSubject) {
    EXPECT_TRUE(matches(text(Kind::body, "strasse")));
    EXPECT_TRUE(matches(text(Kind::body, "straße")));
    EXPECT_FALSE(matches(text(Kind::body, "office")));
    EXPECT_TRUE(matches(text(Kind::text, "office")));
    EXPECT_TRUE(matches(text(Kind::text, "closed")));
    EXPECT_FALSE(matches(text(Kind::text, "open")));
}

TEST_F(Evaluate, InternalDateIsComparedByItsUtcDay) {
    EXPECT_TRUE(matches(date(Kind::on, 1994, 2, 8)));
    EXPECT_FALSE(matches(date(Kind::on, 1994, 2, 7)));
    EXPECT_TRUE(matches(date(Kind::since, 1994, 2, 8)));
    EXPECT_FALSE(matches(date(Kind::since, 1994, 2, 9)));
    EXPECT_TRUE(matches(date(Kind::before, 1994, 2, 9)));
    EXPECT_FALSE(matches(date(Kind::before, 1994, 2, 8)));
}

TEST_F(Evaluate, SentDateIsTheDateAsWritten) {
    EXPECT_TRUE(matches(date(Kind::sent_on, 1994, 2, 7)));
    EXPECT_FALSE(matches(date(Kind::sent_on, 1994, 2, 8)));
    EXPECT_TRUE(matches(date(Kind::sent_since, 1994, 2, 7)));
    EXPECT_FALSE(matches(date(Kind::sent_since, 1994, 2, 8)));
    EXPECT_TRUE(matches(date(Kind::sent_before, 1994, 2, 8)));
    EXPECT_FALSE(matches(date(Kind::sent_before, 1994, 2, 7)));
}

TEST(EvaluateSentDate, UnreadableOrMissingDateNeverMatches) {
    for (const char* raw : {"Date: someday soon\r\n\r\nx", "Subject: none\r\n\r\nx"}) {
        FakeSubject message{std::string(raw)};
        for (Kind kind : {Kind::sent_before, Kind::sent_on, Kind::sent_since}) {
            SearchKey k = date(kind, 2000, 1, 1);
            EXPECT_FALSE(imap::matches(k, message, 0, 1)) << raw;
            EXPECT_TRUE(imap::matches(of(Kind::negation, {k}), message, 0, 1)) << raw;
        }
    }
}

TEST_F(Evaluate, Sizes) {
    EXPECT_TRUE(matches(number(Kind::larger, 999)));
    EXPECT_FALSE(matches(number(Kind::larger, 1000)));
    EXPECT_TRUE(matches(number(Kind::smaller, 1001)));
    EXPECT_FALSE(matches(number(Kind::smaller, 1000)));
}

TEST_F(Evaluate, OlderAndYounger) {
    const std::int64_t now = kArrival + 100;
    EXPECT_TRUE(matches(number(Kind::older, 99), now));
    EXPECT_FALSE(matches(number(Kind::older, 100), now));
    EXPECT_TRUE(matches(number(Kind::younger, 100), now));
    EXPECT_FALSE(matches(number(Kind::younger, 99), now));
}

TEST_F(Evaluate, ModSeq) {
    EXPECT_TRUE(matches(number(Kind::modseq, 42)));
    EXPECT_TRUE(matches(number(Kind::modseq, 1)));
    EXPECT_FALSE(matches(number(Kind::modseq, 43)));
}

TEST_F(Evaluate, UidSets) {
    EXPECT_TRUE(matches(uids({{7, 7}})));
    EXPECT_TRUE(matches(uids({{1, 3}, {9, 5}})));  // 5:9 written backwards
    EXPECT_FALSE(matches(uids({{1, 6}, {8, 8}})));
    EXPECT_TRUE(matches(uids({{5, kStar}}), kArrival, 9));
    EXPECT_FALSE(matches(uids({{kStar, kStar}}), kArrival, 9));
    EXPECT_TRUE(matches(uids({{kStar, kStar}}), kArrival, 7));
    SearchKey sequence = uids({{7, 7}});
    sequence.kind = Kind::sequence;
    EXPECT_TRUE(matches(sequence));
}

TEST_F(Evaluate, Nesting) {
    const SearchKey seen = key(Kind::seen);
    const SearchKey deleted = key(Kind::deleted);
    EXPECT_TRUE(matches(of(Kind::any_of, {deleted, seen})));
    EXPECT_FALSE(matches(of(Kind::any_of, {deleted, key(Kind::draft)})));
    EXPECT_FALSE(matches(of(Kind::all_of, {seen, deleted})));
    EXPECT_TRUE(matches(of(Kind::all_of, {seen, of(Kind::negation, {deleted})})));
    EXPECT_TRUE(matches(of(Kind::all_of, {})));
    EXPECT_TRUE(
        matches(of(Kind::negation, {of(Kind::any_of, {deleted, text(Kind::from, "x@y")})})));
}

TEST(ContainsText, FoldsUnicodeCase) {
    EXPECT_TRUE(contains_text("Hello World", "WORLD"));
    EXPECT_TRUE(contains_text("anything", ""));
    EXPECT_TRUE(contains_text("ÉCOLE", "école"));
    EXPECT_TRUE(contains_text("ΟΔΥΣΣΕΥΣ", "οδυσσευς"));  // final sigma too
    EXPECT_TRUE(contains_text("ПРИВЕТ мир", "привет МИР"));
    EXPECT_TRUE(contains_text("Straße", "STRASSE"));
    EXPECT_TRUE(contains_text(std::string_view("a\0B", 3), "A B"));
    EXPECT_TRUE(contains_text("cafe\xCC\x81", "CAFÉ"));  // decomposed against composed
    EXPECT_TRUE(contains_text("ﬁne", "fine"));
    EXPECT_FALSE(contains_text("cafe", "café"));
    EXPECT_FALSE(contains_text("Hello", "world"));
    EXPECT_TRUE(
        contains_text("a\xFF"
                      "b",
                      "\xEF\xBF\xBD"
                      "B"));  // invalid octets are U+FFFD
}

TEST(SearchString, CharsetsConvertToUtf8) {
    EXPECT_EQ(search_string_to_utf8("abc", "US-ASCII"), "abc");
    EXPECT_EQ(search_string_to_utf8("Köln", "utf-8"), "Köln");
    EXPECT_EQ(search_string_to_utf8("K\xF6ln", "ISO-8859-1"), "Köln");
    EXPECT_EQ(search_string_to_utf8("\x1B$B$\"\x1B(B", "ISO-2022-JP"), "あ");
    EXPECT_EQ(search_string_to_utf8("abc", "X-NO-SUCH-CHARSET"), std::nullopt);
    EXPECT_EQ(search_string_to_utf8("K\xF6ln", "UTF-8"), std::nullopt);
}

}  // namespace
}  // namespace sealbox::imap

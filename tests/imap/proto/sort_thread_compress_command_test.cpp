// SORT and THREAD (RFC 5256 §5, RFC 5957 §3) and COMPRESS (RFC 4978 §5) as parsed.

#include <gtest/gtest.h>

#include "imap/proto/command.h"
#include "imap/proto/parse_test_helpers.h"

namespace sealbox::imap {
namespace {

using Kind = SearchKey::Kind;

TEST(SortCommand, CriteriaCharsetAndSearchKeys) {
    Sort s = parse_as<Sort>("a SORT (REVERSE date subject DISPLAYFROM) UTF-8 UNSEEN FROM bob");
    EXPECT_FALSE(s.uid);
    ASSERT_EQ(s.criteria.size(), 3u);
    EXPECT_EQ(s.criteria[0].key, SortKey::date);
    EXPECT_TRUE(s.criteria[0].reverse);
    EXPECT_EQ(s.criteria[1].key, SortKey::subject);
    EXPECT_FALSE(s.criteria[1].reverse);
    EXPECT_EQ(s.criteria[2].key, SortKey::display_from);
    EXPECT_EQ(s.charset, "UTF-8");
    ASSERT_EQ(s.search.kind, Kind::all_of);
    ASSERT_EQ(s.search.children.size(), 2u);
    EXPECT_EQ(s.search.children[0].kind, Kind::unseen);
    EXPECT_EQ(s.search.children[1].kind, Kind::from);
    EXPECT_EQ(s.search.children[1].value, "bob");

    Sort u = parse_as<Sort>("a UID SORT (ARRIVAL CC FROM SIZE TO DISPLAYTO) \"US-ASCII\" 1:* $");
    EXPECT_TRUE(u.uid);
    std::vector<SortKey> keys;
    for (const auto& c : u.criteria) {
        keys.push_back(c.key);
    }
    EXPECT_EQ(keys, (std::vector<SortKey>{SortKey::arrival, SortKey::cc, SortKey::from,
                                          SortKey::size, SortKey::to, SortKey::display_to}));
    EXPECT_EQ(u.charset, "US-ASCII");
    ASSERT_EQ(u.search.children.size(), 2u);
    EXPECT_TRUE(u.search.children[1].set.saved_result);
}

TEST(SortCommand, Errors) {
    EXPECT_EQ(error_of("a SORT (NAME) UTF-8 ALL").text, "Unknown sort key NAME");
    EXPECT_EQ(error_of("a SORT (REVERSE) UTF-8 ALL").text.substr(0, 8), "Expected");
    EXPECT_NE(error_of("a SORT () UTF-8 ALL").text, "");
    EXPECT_NE(error_of("a SORT DATE UTF-8 ALL").text, "");  // criteria need ( )
    EXPECT_EQ(error_of("a SORT (DATE) ALL").text, "Expected a charset, then search keys");
    EXPECT_EQ(error_of("a SORT (DATE) UTF-8 CHARSET UTF-8 ALL").text, "Unknown search key CHARSET");
    EXPECT_EQ(error_of("a SORT (DATE) UTF-8 FROB").text, "Unknown search key FROB");
    EXPECT_EQ(error_of("a SORT (DATE)").text, "Expected a space at end of command");
    // ESORT's RETURN (RFC 5267) is not offered: it reads as a charset, then fails.
    EXPECT_NE(error_of("a SORT RETURN (ALL) (DATE) UTF-8 ALL").text, "");
}

TEST(ThreadCommand, AlgorithmCharsetAndSearchKeys) {
    Thread t = parse_as<Thread>("a THREAD references UTF-8 SINCE 1-Feb-1994 NOT DELETED");
    EXPECT_FALSE(t.uid);
    EXPECT_EQ(t.algorithm, ThreadAlgorithm::references);
    EXPECT_EQ(t.charset, "UTF-8");
    ASSERT_EQ(t.search.children.size(), 2u);
    EXPECT_EQ(t.search.children[0].kind, Kind::since);
    EXPECT_EQ(t.search.children[1].kind, Kind::negation);

    Thread u = parse_as<Thread>("a UID THREAD ORDEREDSUBJECT US-ASCII ALL");
    EXPECT_TRUE(u.uid);
    EXPECT_EQ(u.algorithm, ThreadAlgorithm::ordered_subject);

    EXPECT_EQ(error_of("a THREAD REFS UTF-8 ALL").text, "Unknown threading algorithm REFS");
    EXPECT_EQ(error_of("a THREAD REFERENCES ALL").text, "Expected a charset, then search keys");
    EXPECT_EQ(error_of("a UID THREAD").text, "Expected a space at end of command");
}

TEST(CompressCommand, Mechanism) {
    EXPECT_EQ(parse_as<Compress>("a COMPRESS deflate").mechanism, "DEFLATE");
    // Any atom is syntax; whether it is a known mechanism is the session's answer.
    EXPECT_EQ(parse_as<Compress>("a COMPRESS LZMA").mechanism, "LZMA");
    EXPECT_EQ(error_of("a COMPRESS").text, "Expected a space at end of command");
    EXPECT_NE(error_of("a COMPRESS DEFLATE X").text, "");
    EXPECT_NE(error_of("a COMPRESS \"DEFLATE\"").text, "");
}

}  // namespace
}  // namespace sealbox::imap

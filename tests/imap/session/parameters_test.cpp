// The session's parsers of raw arguments and LIST's wildcards (RFC 9051 §6.3.9, RFC 5258,
// RFC 7162 §3.2.5, RFC 6154 §3).

#include "imap/session/parameters.h"

#include <gtest/gtest.h>

#include <chrono>

namespace sealbox::imap {
namespace {

TEST(Parameters, Select) {
    EXPECT_TRUE(parse_select_parameters("(CONDSTORE)").condstore);
    auto p = parse_select_parameters("(QRESYNC (67890007 20050715194045000 41:43 (1:5 3:7)))");
    ASSERT_TRUE(p.qresync);
    EXPECT_EQ(p.qresync->uid_validity, 67890007u);
    EXPECT_EQ(p.qresync->modseq, 20050715194045000u);
    EXPECT_EQ(p.qresync->known_uids->str(), "41:43");
    EXPECT_FALSE(parse_select_parameters("").condstore);
    EXPECT_THROW(parse_select_parameters("(FOO)"), SyntaxError);
    EXPECT_THROW(parse_select_parameters("(QRESYNC (0 1))"), SyntaxError);
}

TEST(Parameters, ListOptions) {
    auto o = parse_list_options("(SUBSCRIBED RECURSIVEMATCH)", "(STATUS (MESSAGES SIZE))");
    EXPECT_TRUE(o.subscribed_only);
    EXPECT_TRUE(o.recursive);
    EXPECT_TRUE(o.return_subscribed);
    EXPECT_EQ(o.status, (std::vector<StatusItem>{StatusItem::messages, StatusItem::size}));
    EXPECT_THROW(parse_list_options("(RECURSIVEMATCH)", ""), SyntaxError);  // RFC 5258 §3
    EXPECT_THROW(parse_list_options("", "(STATUS (BOGUS))"), SyntaxError);
}

TEST(Parameters, CreateUse) {
    EXPECT_EQ(parse_create_use("(USE (\\Drafts))"), "\\Drafts");
    EXPECT_EQ(parse_create_use(""), "");
    EXPECT_THROW(parse_create_use("(USE (\\Drafts \\Sent))"), SyntaxError);
}

TEST(Parameters, Wildcards) {
    EXPECT_TRUE(list_matches("*", "a/b/c"));
    EXPECT_TRUE(list_matches("%", "abc"));
    EXPECT_FALSE(list_matches("%", "a/b"));
    EXPECT_TRUE(list_matches("a/%", "a/b"));
    EXPECT_FALSE(list_matches("a/%", "a/b/c"));
    EXPECT_TRUE(list_matches("a*c", "a/b/c"));
    EXPECT_FALSE(list_matches("a", "ab"));
    EXPECT_EQ(list_pattern("", "inbox/*"), "INBOX/*");
    EXPECT_EQ(list_pattern("Work/", "%"), "Work/%");
    // A backtracking matcher would take forever here.
    std::string pattern;
    for (int i = 0; i < 2000; ++i) {
        pattern += "*%";
    }
    pattern += "x";
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(list_matches(pattern, std::string(200, 'a')));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace sealbox::imap

#include <gtest/gtest.h>

#include "imap/thread/base_subject.h"
#include "imap/thread/sorting.h"
#include "imap/thread/threading.h"

namespace sealbox::imap {
namespace {

TEST(BaseSubject, RemovesRepliesForwardsBlobsAndTrailers) {  // RFC 5256 §2.1
    EXPECT_EQ(base_subject("Re: [list] Fwd: Hello   world (fwd)").text, "hello world");
    EXPECT_TRUE(base_subject("Re: [list] Fwd: Hello (fwd)").reply_or_forward);
    EXPECT_EQ(base_subject("[PATCH] fix it").text, "fix it");
    EXPECT_FALSE(base_subject("[PATCH] fix it").reply_or_forward);
    EXPECT_EQ(base_subject("[fwd: Re: test]").text, "test");
    EXPECT_EQ(base_subject("  RE:\tre[2]: x").text, "x");
    EXPECT_EQ(base_subject("[only a blob]").text, "[only a blob]");
    EXPECT_EQ(base_subject("Re:").text, "");
    EXPECT_EQ(base_subject("Fw: Fwd: FWD: a\r\n b").text, "a b");
    EXPECT_EQ(base_subject("Reply to this").text, "reply to this");
    EXPECT_FALSE(base_subject("Reply to this").reply_or_forward);
}

ThreadInput message(std::uint32_t n, std::string id, std::vector<std::string> refs,
                    std::string subject = "topic") {
    return {n, static_cast<std::int64_t>(n) * 100, base_subject(subject), std::move(id),
            std::move(refs)};
}

TEST(ThreadReferences, BuildsTreesFromReferencesWithDummies) {
    std::vector<ThreadInput> in{
        message(1, "<a>", {}, "one"),
        message(2, "<b>", {"<a>"}, "Re: one"),
        message(3, "<c>", {"<a>", "<b>"}, "Re: one"),
        message(4, "<d>", {"<a>"}, "Re: one"),
        message(5, "<e>", {}, "other"),
        message(6, "<f>", {"<missing>"}, "lost"),
        message(7, "<g>", {"<missing>"}, "Re: lost"),
    };
    EXPECT_EQ(thread_response(thread_references(in)), "* THREAD (1 (2 3)(4))(5)((6)(7))\r\n");
}

TEST(ThreadReferences, MergesBySubjectPreferringTheOriginal) {
    std::vector<ThreadInput> in{
        message(1, "<r>", {}, "Re: plans"),
        message(2, "<o>", {}, "plans"),
        message(3, "<x>", {}, "plans"),
    };
    // 2 is not a reply: 1 (a reply) goes under it; 3, another original, shares a dummy.
    EXPECT_EQ(thread_response(thread_references(in)), "* THREAD ((2 1)(3))\r\n");
}

TEST(ThreadReferences, SurvivesLoopsDuplicatesAndMissingIds) {
    std::vector<ThreadInput> in{
        message(1, "<a>", {"<b>"}, "a"),
        message(2, "<b>", {"<a>"}, "b"),
        message(3, "<a>", {}, "c"),
        message(4, "", {"<a>", "<a>"}, "d"),
    };
    std::string out = thread_response(thread_references(in));
    for (const char* n : {"1", "2", "3", "4"}) {
        EXPECT_NE(out.find(n), std::string::npos) << out;
    }
    EXPECT_EQ(out.rfind("* THREAD (", 0), 0u) << out;
}

TEST(ThreadOrderedSubject, GroupsByBaseSubjectOrderedByDate) {  // RFC 5256 §3
    std::vector<ThreadInput> in{
        message(1, "", {}, "a"), message(2, "", {}, "b"),      message(3, "", {}, "Re: a"),
        message(4, "", {}, "B"), message(5, "", {}, "Fwd: a"),
    };
    EXPECT_EQ(thread_response(thread_ordered_subject(in)), "* THREAD (1 (3)(5))(2 4)\r\n");
    EXPECT_EQ(thread_response({}), "* THREAD\r\n");
}

TEST(Sort, OrdersByCriteriaThenNumber) {  // RFC 5256 §3, RFC 5957
    std::vector<SortRecord> records{
        {1, 30, 300, 10, "b", "x@a", "", "", "Zed", ""},
        {2, 20, 100, 30, "a", "Y@a", "", "", "", ""},
        {3, 10, 200, 20, "b", "y@a", "", "", "Amy", ""},
    };
    using V = std::vector<std::uint32_t>;
    EXPECT_EQ(sort_messages(records, {{SortKey::arrival, false}}), (V{3, 2, 1}));
    EXPECT_EQ(sort_messages(records, {{SortKey::date, true}}), (V{1, 3, 2}));
    EXPECT_EQ(sort_messages(records, {{SortKey::subject, false}, {SortKey::size, true}}),
              (V{2, 3, 1}));
    EXPECT_EQ(sort_messages(records, {{SortKey::from, false}}), (V{1, 2, 3}));
    EXPECT_EQ(sort_messages(records, {{SortKey::display_from, false}}), (V{2, 3, 1}));
}

}  // namespace
}  // namespace sealbox::imap

#include "store/mailbox_store.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "mime/message_summary.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;
using Uids = std::vector<std::int64_t>;

std::string message(const std::string& id, const std::string& body,
                    const std::string& extra_headers = "") {
    return "From: Bob <bob@remote.test>\r\nTo: alice@example.test\r\nSubject: about " + id +
           "\r\nMessage-ID: <" + id + "@remote.test>\r\n" + extra_headers + "\r\n" + body + "\r\n";
}

class MailboxStoreTest : public ::testing::Test {
  protected:
    MailboxStoreTest() : key_(crypto::SecretBytes::random(32)), store_(dir_ / "m.db", key_, "t") {}

    std::int64_t add(std::string_view folder, const std::string& raw, std::uint32_t flags = 0) {
        auto summary = mime::serialize(mime::summarize(raw));
        NewMessage m;
        m.raw = raw;
        m.summary = summary;
        m.internal_date = 1700000000;
        m.flags = flags;
        Transaction tx(store_.database());
        auto uid = store_.append(folder, m);
        tx.commit();
        return uid;
    }

    std::int64_t count(const char* sql) {
        auto s = store_.database().prepare(sql);
        s.step();
        return s.int64(0);
    }

    std::vector<std::string> names() {
        std::vector<std::string> out;
        for (const auto& f : store_.folders()) {
            out.push_back(f.name);
        }
        return out;
    }

    TempDir dir_;
    crypto::SecretBytes key_;
    MailboxStore store_;
};

TEST_F(MailboxStoreTest, CreateMakesParentsAndRefusesTakenNames) {
    store_.create_folder("Work/2024/Q1", "");
    EXPECT_TRUE(store_.folder("Work"));
    EXPECT_TRUE(store_.folder("Work/2024"));
    EXPECT_TRUE(store_.folder("Work/2024/Q1"));
    for (auto taken : {"Work", "inbox", "INBOX"}) {
        try {
            store_.create_folder(taken, "");
            ADD_FAILURE() << taken;
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::already_exists);
        }
    }
    for (auto bad : {"", "/x", "x/", "a//b"}) {
        EXPECT_THROW(store_.create_folder(bad, ""), Error) << bad;
    }
    EXPECT_THROW(store_.create_folder("Stuff", "\\Bogus"), Error);
    store_.create_folder("Spam2", "\\Junk");
    EXPECT_EQ(store_.folder("Spam2")->special_use, "\\Junk");
}

TEST_F(MailboxStoreTest, RenameMovesChildrenAndKeepsIdentity) {
    store_.create_folder("A/B/C", "");
    store_.create_folder("AB", "");  // a sibling sharing the prefix must stay
    add("A/B", message("m1", "hello"));
    auto before = *store_.folder("A");
    store_.rename_folder("A", "Z/A2");
    auto list = names();
    EXPECT_NE(std::find(list.begin(), list.end(), "Z/A2/B/C"), list.end());
    EXPECT_NE(std::find(list.begin(), list.end(), "Z/A2/B"), list.end());
    EXPECT_NE(std::find(list.begin(), list.end(), "Z"), list.end());
    EXPECT_NE(std::find(list.begin(), list.end(), "AB"), list.end());
    EXPECT_EQ(std::find(list.begin(), list.end(), "A"), list.end());
    auto after = *store_.folder("Z/A2");
    EXPECT_EQ(after.id, before.id);
    EXPECT_EQ(after.uidvalidity, before.uidvalidity);
    EXPECT_EQ(store_.messages("Z/A2/B").size(), 1u);
    EXPECT_THROW(store_.rename_folder("Z", "Z/A2/B/Z"), Error);
    EXPECT_THROW(store_.rename_folder("AB", "Drafts"), Error);
}

TEST_F(MailboxStoreTest, RenamingInboxMovesItsMessagesAndReportsThemExpunged) {
    store_.create_folder("INBOX/kept", "");
    add("INBOX", message("m1", "one"));
    add("INBOX", message("m2", "two"));
    auto modseq = store_.folder("INBOX")->highestmodseq;
    store_.rename_folder("INBOX", "Old");
    EXPECT_TRUE(store_.messages("INBOX").empty());
    EXPECT_TRUE(store_.folder("INBOX/kept"));
    auto moved = store_.messages("Old");
    ASSERT_EQ(moved.size(), 2u);
    EXPECT_EQ(moved[0].uid, 1);
    EXPECT_EQ(store_.folder("Old")->uidnext, 3);
    EXPECT_EQ(store_.changes_since("INBOX", modseq).expunged, (Uids{1, 2}));
    EXPECT_EQ(add("INBOX", message("m3", "three")), 3);  // UIDs in INBOX never go back
}

TEST_F(MailboxStoreTest, DeleteRefusesInboxAndParentsAndFreesContent) {
    store_.create_folder("P/child", "");
    try {
        store_.delete_folder("INBOX");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    }
    EXPECT_THROW(store_.delete_folder("P"), Error);
    std::string raw = message("m1", "body");
    add("P/child", raw);
    auto validity = store_.folder("P/child")->uidvalidity;
    EXPECT_EQ(store_.delete_folder("P/child"), static_cast<std::int64_t>(raw.size()));
    EXPECT_EQ(count("SELECT count(*) FROM contents"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM message_text"), 0);
    store_.delete_folder("P");
    EXPECT_FALSE(store_.folder("P"));
    store_.create_folder("P/child", "");
    EXPECT_NE(store_.folder("P/child")->uidvalidity, validity);  // RFC 9051 §2.3.1.1
    EXPECT_THROW(store_.delete_folder("Nope"), Error);
}

TEST_F(MailboxStoreTest, FlagModesAndModseq) {
    add("INBOX", message("m1", "x"));
    add("INBOX", message("m2", "y"), kFlagSeen);
    Uids both{1, 2};
    std::vector<std::string> junk{"$Junk"};
    auto r = store_.store_flags("INBOX", both, FlagMode::add, kFlagFlagged, junk, std::nullopt);
    ASSERT_EQ(r.updated.size(), 2u);
    EXPECT_NE(r.updated[0].modseq, r.updated[1].modseq);
    EXPECT_EQ(r.updated[1].flags, kFlagSeen | kFlagFlagged);
    EXPECT_EQ(r.updated[0].keywords, "$Junk");
    auto top = store_.folder("INBOX")->highestmodseq;
    EXPECT_EQ(top, r.updated[1].modseq);

    // Same keyword in another case, flag already set: nothing changes, no new MODSEQ.
    std::vector<std::string> junk_lower{"$junk"};
    r = store_.store_flags("INBOX", both, FlagMode::add, kFlagFlagged, junk_lower, std::nullopt);
    EXPECT_TRUE(r.updated.empty());
    EXPECT_EQ(store_.folder("INBOX")->highestmodseq, top);

    r = store_.store_flags("INBOX", both, FlagMode::remove, kFlagSeen, junk_lower, std::nullopt);
    ASSERT_EQ(r.updated.size(), 2u);
    EXPECT_EQ(r.updated[0].keywords, "");
    EXPECT_EQ(r.updated[1].flags, kFlagFlagged);

    std::vector<std::string> work{"Work"};
    r = store_.store_flags("INBOX", Uids{1}, FlagMode::replace, kFlagAnswered, work, std::nullopt);
    ASSERT_EQ(r.updated.size(), 1u);
    EXPECT_EQ(r.updated[0].flags, kFlagAnswered);
    EXPECT_EQ(store_.messages("INBOX")[0].keywords, "Work");
    EXPECT_EQ(store_.changes_since("INBOX", top + 2).changed.size(), 1u);
}

TEST_F(MailboxStoreTest, UnchangedSinceLeavesNewerMessagesAlone) {
    add("INBOX", message("m1", "x"));
    add("INBOX", message("m2", "y"));
    auto seen_at = store_.messages("INBOX")[1].modseq;
    store_.store_flags("INBOX", Uids{1}, FlagMode::add, kFlagSeen, {}, std::nullopt);
    auto r = store_.store_flags("INBOX", Uids{1, 2}, FlagMode::add, kFlagDeleted, {}, seen_at);
    EXPECT_EQ(r.modified, Uids{1});
    ASSERT_EQ(r.updated.size(), 1u);
    EXPECT_EQ(r.updated[0].uid, 2);
    EXPECT_EQ(store_.messages("INBOX")[0].flags, kFlagSeen);
}

TEST_F(MailboxStoreTest, ExpungeRemovesDeletedAndChangesSinceReportsThem) {
    for (int i = 0; i < 4; ++i) {
        add("INBOX", message("m" + std::to_string(i), "x"),
            i % 2 ? std::uint32_t{kFlagDeleted} : 0u);
    }
    store_.store_flags("INBOX", Uids{3}, FlagMode::add, kFlagDeleted, {}, std::nullopt);
    auto since = store_.folder("INBOX")->highestmodseq;
    Uids only{3, 4};
    auto removed = store_.expunge("INBOX", std::span<const std::int64_t>(only));
    EXPECT_EQ(removed.uids, (Uids{3, 4}));
    EXPECT_GT(removed.bytes, 0);
    EXPECT_EQ(store_.expunge("INBOX", std::nullopt).uids, Uids{2});
    auto changes = store_.changes_since("INBOX", since);
    EXPECT_EQ(changes.expunged, (Uids{2, 3, 4}));
    EXPECT_TRUE(changes.changed.empty());
    EXPECT_EQ(changes.highestmodseq, since + 3);
    ASSERT_EQ(store_.messages("INBOX").size(), 1u);
    EXPECT_EQ(store_.messages("INBOX")[0].uid, 1);
}

TEST_F(MailboxStoreTest, CopyAndMoveAssignUidsInOrderAndTrainJunk) {
    for (int i = 0; i < 3; ++i) {
        add("INBOX", message("m" + std::to_string(i), "x"), kFlagSeen);
    }
    add("Trash", message("t", "x"));
    auto copied = store_.copy("INBOX", Uids{3, 1}, "Trash", false);
    EXPECT_EQ(copied.source, (Uids{1, 3}));
    EXPECT_EQ(copied.target, (Uids{2, 3}));
    EXPECT_EQ(copied.uidvalidity, store_.folder("Trash")->uidvalidity);
    EXPECT_EQ(store_.messages("Trash")[1].flags, kFlagSeen);
    EXPECT_EQ(store_.messages("Trash")[1].content_id, store_.messages("INBOX")[0].content_id);
    EXPECT_EQ(store_.messages("INBOX").size(), 3u);
    EXPECT_EQ(count("SELECT count(*) FROM junk_training"), 0);

    auto moved = store_.copy("INBOX", Uids{2, 3}, "Junk", true);
    EXPECT_EQ(moved.target, (Uids{1, 2}));
    EXPECT_EQ(store_.messages("INBOX").size(), 1u);
    EXPECT_EQ(count("SELECT count(*) FROM junk_training WHERE to_junk = 1"), 2);
    store_.copy("Junk", Uids{1}, "INBOX", true);
    EXPECT_EQ(count("SELECT count(*) FROM junk_training WHERE to_junk = 0"), 1);
    EXPECT_EQ(store_.messages("INBOX").back().uid, 4);

    // The content stays while any copy does.
    Transaction tx(store_.database());
    store_.remove("INBOX", Uids{1, 4});
    store_.remove("Junk", Uids{2});
    store_.remove("Trash", Uids{1});
    EXPECT_EQ(count("SELECT count(*) FROM contents"), 2);  // the copies in Trash
    store_.remove("Trash", Uids{2, 3});
    tx.commit();
    EXPECT_EQ(count("SELECT count(*) FROM contents"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM message_text"), 0);
    EXPECT_THROW(store_.copy("INBOX", Uids{1}, "Nowhere", false), Error);
}

TEST_F(MailboxStoreTest, RepliesJoinTheThreadOfTheMessageTheyReferTo) {
    add("INBOX", message("root", "x"));
    add("INBOX", message("other", "x"));
    add("Sent", message("reply", "x", "In-Reply-To: <root@remote.test>\r\n"));
    add("INBOX",
        message("reply2", "x", "References: <unknown@x> <reply@remote.test> <gone@x>\r\n"));
    auto inbox = store_.messages("INBOX");
    auto sent = store_.messages("Sent");
    EXPECT_EQ(sent[0].thread_id, inbox[0].thread_id);
    EXPECT_EQ(inbox[2].thread_id, inbox[0].thread_id);
    EXPECT_NE(inbox[1].thread_id, inbox[0].thread_id);
    EXPECT_NE(inbox[0].content_id, sent[0].content_id);
}

TEST_F(MailboxStoreTest, TextSearchFindsFoldedSubstringsPerColumn) {
    add("INBOX", message("a", "Die STRASSE ist lang"));
    add("INBOX", message("b", "eine Straße"));
    add("INBOX", message("c", "nothing", "X-Note: strasse in a header\r\n"));
    add("Sent", message("d", "strasse elsewhere"));
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::body, "straße"), (Uids{1, 2}));
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::body, "Strasse"), (Uids{1, 2}));
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::both, "STRASSE"), (Uids{1, 2, 3}));
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::headers, "strasse"), Uids{3});
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::body, "ä"), Uids{});
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::body, "sT"), (Uids{1, 2}));
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::body, "\"x"), Uids{});
    EXPECT_EQ(store_.text_search("INBOX", TextColumn::body, ""), (Uids{1, 2, 3}));
}

TEST_F(MailboxStoreTest, ReadRangeReadsOnlyThePartAskedFor) {
    std::string raw = message("a", std::string(10000, 'z'));
    add("INBOX", raw);
    auto content = store_.messages("INBOX")[0].content_id;
    EXPECT_EQ(store_.read_range(content, 0, 20), raw.substr(0, 20));
    EXPECT_EQ(store_.read_range(content, raw.size() - 5, 100), raw.substr(raw.size() - 5));
    EXPECT_EQ(store_.read_range(content, raw.size() + 5, 100), "");
}

}  // namespace
}  // namespace sealbox::store

// RFC 5464 annotations in the encrypted mailbox database: they persist, follow a folder through
// a rename, go with it when it is deleted, and a database from before them gets the table.

#include <gtest/gtest.h>

#include "core/error.h"
#include "store/mailbox_store.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;
using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs pairs(const std::vector<Annotation>& annotations) {
    Pairs out;
    for (const auto& a : annotations) {
        out.emplace_back(a.name, a.value);
    }
    return out;
}

class AnnotationsTest : public ::testing::Test {
  protected:
    AnnotationsTest() : key_(crypto::SecretBytes::random(32)) {}

    MailboxStore open() { return MailboxStore(dir_ / "m.db", key_, "t"); }

    void set(MailboxStore& store, std::string_view folder, std::string_view name,
             std::optional<std::string_view> value) {
        Transaction tx(store.database());
        store.set_annotation(folder, name, value);
        tx.commit();
    }

    TempDir dir_;
    crypto::SecretBytes key_;
};

TEST_F(AnnotationsTest, PersistAcrossReopeningAndNilRemoves) {
    const std::string binary("a\0b\r\n\xff", 6);
    {
        MailboxStore store = open();
        set(store, "INBOX", "/private/comment", "mine");
        set(store, "INBOX", "/shared/comment", "shared");
        set(store, "INBOX", "/shared/comment", "replaced");
        set(store, "INBOX", "/shared/bin", binary);
        set(store, "INBOX", "/shared/empty", "");
        set(store, "", "/shared/comment", "server");
    }
    MailboxStore store = open();
    EXPECT_EQ(pairs(store.annotations("INBOX")), (Pairs{{"/private/comment", "mine"},
                                                        {"/shared/bin", binary},
                                                        {"/shared/comment", "replaced"},
                                                        {"/shared/empty", ""}}));
    EXPECT_EQ(pairs(store.annotations("")), (Pairs{{"/shared/comment", "server"}}));
    EXPECT_TRUE(store.annotations("Sent").empty());
    EXPECT_EQ(store.annotation_count("INBOX"), 4);
    EXPECT_EQ(store.annotation_count(""), 1);
    EXPECT_EQ(store.annotation_bytes(), 4 + 6 + 8 + 0 + 6);

    set(store, "INBOX", "/shared/comment", std::nullopt);
    set(store, "INBOX", "/shared/never", std::nullopt);
    set(store, "", "/shared/comment", std::nullopt);
    EXPECT_EQ(store.annotation_count("INBOX"), 3);
    EXPECT_TRUE(store.annotations("").empty());
}

TEST_F(AnnotationsTest, FollowRenameAndGoWithDelete) {  // RFC 5464 §4.1
    MailboxStore store = open();
    store.create_folder("Work/Projects", "");
    set(store, "Work", "/private/comment", "parent");
    set(store, "Work/Projects", "/private/comment", "child");
    {
        Transaction tx(store.database());
        store.rename_folder("Work", "Job");
        tx.commit();
    }
    EXPECT_EQ(pairs(store.annotations("Job")), (Pairs{{"/private/comment", "parent"}}));
    EXPECT_EQ(pairs(store.annotations("Job/Projects")), (Pairs{{"/private/comment", "child"}}));
    EXPECT_THROW(store.annotations("Work"), Error);

    // A new folder by the old name starts bare.
    store.create_folder("Work", "");
    EXPECT_TRUE(store.annotations("Work").empty());

    {
        Transaction tx(store.database());
        store.delete_folder("Job/Projects");
        tx.commit();
    }
    EXPECT_EQ(store.annotation_count("Job"), 1);
    EXPECT_EQ(store.annotation_bytes(), 6);  // the child's are gone with it
    store.create_folder("Job/Projects", "");
    EXPECT_TRUE(store.annotations("Job/Projects").empty());
}

TEST_F(AnnotationsTest, MissingFolderIsNotFound) {
    MailboxStore store = open();
    try {
        store.annotations("Nope");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
    }
    EXPECT_THROW(set(store, "Nope", "/shared/x", "y"), Error);
    EXPECT_THROW(store.special_use("Nope"), Error);
    EXPECT_EQ(store.special_use("Trash"), "\\Trash");
    EXPECT_EQ(store.special_use("INBOX"), "");
}

TEST_F(AnnotationsTest, DatabaseFromBeforeAnnotationsIsUpgraded) {
    {
        MailboxStore store = open();
        // What a first-version database looks like: no table, the summary in contents (until
        // version 3), user_version 1.
        store.database().exec("DROP TABLE annotations");
        store.database().exec(
            "DROP TABLE summaries; ALTER TABLE contents ADD COLUMN summary BLOB NOT NULL "
            "DEFAULT x''");
        store.database().exec("PRAGMA user_version = 1");
    }
    MailboxStore store = open();
    set(store, "INBOX", "/private/comment", "after the upgrade");
    EXPECT_EQ(store.annotation_count("INBOX"), 1);
    auto version = store.database().prepare("PRAGMA user_version");
    version.step();
    EXPECT_EQ(version.int64(0), 4);
}

}  // namespace
}  // namespace sealbox::store

// Message summaries live in their own table (schema version 3), away from the raw message.
#include <gtest/gtest.h>

#include "mime/message_summary.h"
#include "store/encrypted_vfs.h"
#include "store/mailbox_store.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;
using Uids = std::vector<std::int64_t>;

std::string message(const std::string& id) {
    return "From: Bob <bob@remote.test>\r\nTo: alice@example.test\r\nSubject: about " + id +
           "\r\nMessage-ID: <" + id + "@remote.test>\r\n\r\n" + std::string(20000, 'x') + "\r\n";
}

std::int64_t count(Database& db, const char* sql) {
    auto s = db.prepare(sql);
    s.step();
    return s.int64(0);
}

// The tables of a version-2 database as Sealbox wrote them, the summary a column of contents.
constexpr const char* kVersion2Schema = R"sql(
CREATE TABLE folders(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL DEFAULT 1,
    highestmodseq INTEGER NOT NULL DEFAULT 1,
    special_use TEXT NOT NULL DEFAULT '',
    subscribed INTEGER NOT NULL DEFAULT 1);
CREATE TABLE uidvalidity_issued(last INTEGER NOT NULL);
CREATE TABLE contents(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    raw BLOB NOT NULL,
    summary BLOB NOT NULL,
    refcount INTEGER NOT NULL,
    message_id TEXT);
CREATE INDEX contents_by_message_id ON contents(message_id);
CREATE TABLE messages(
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0,
    keywords TEXT NOT NULL DEFAULT '',
    internal_date INTEGER NOT NULL,
    size INTEGER NOT NULL,
    content_id INTEGER NOT NULL REFERENCES contents(id),
    thread_id INTEGER,
    UNIQUE(folder_id, uid));
CREATE INDEX messages_by_modseq ON messages(folder_id, modseq);
CREATE INDEX messages_by_content ON messages(content_id);
CREATE TABLE expunged(
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY(folder_id, uid));
CREATE VIRTUAL TABLE message_text USING fts5(headers, body, tokenize='trigram');
CREATE TABLE junk_training(
    content_id INTEGER NOT NULL,
    to_junk INTEGER NOT NULL,
    at INTEGER NOT NULL);
CREATE TABLE spool_merged(name TEXT PRIMARY KEY);
CREATE TABLE annotations(
    folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value BLOB NOT NULL);
CREATE UNIQUE INDEX annotations_by_name ON annotations(ifnull(folder_id, 0), name);
INSERT INTO uidvalidity_issued(last) VALUES(1);
INSERT INTO folders(name, uidvalidity, uidnext, highestmodseq) VALUES('INBOX', 1, 3, 3);
PRAGMA user_version = 2;
)sql";

class MailboxSummariesTest : public ::testing::Test {
  protected:
    std::int64_t add(MailboxStore& store, const std::string& raw) {
        auto summary = mime::serialize(mime::summarize(raw));
        NewMessage m;
        m.raw = raw;
        m.summary = summary;
        m.internal_date = 1700000000;
        Transaction tx(store.database());
        auto uid = store.append("INBOX", m);
        tx.commit();
        return uid;
    }

    TempDir dir_;
    crypto::SecretBytes key_ = crypto::SecretBytes::random(32);
};

TEST_F(MailboxSummariesTest, SummariesOfSeveralUidsComeInUidOrder) {
    MailboxStore store(dir_ / "m.db", key_, "t");
    for (const char* id : {"m1", "m2", "m3"}) {
        add(store, message(id));
    }
    auto found = store.summaries("INBOX", Uids{3, 1, 9, 1});
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].uid, 1);
    EXPECT_EQ(found[1].uid, 3);
    EXPECT_EQ(mime::deserialize(found[0].summary).envelope.subject, "about m1");
    EXPECT_EQ(mime::deserialize(found[1].summary).envelope.subject, "about m3");
    EXPECT_EQ(found[1].summary, store.summary("INBOX", 3));
    EXPECT_TRUE(store.summaries("INBOX", Uids{}).empty());
    EXPECT_TRUE(store.summaries("Trash", Uids{1}).empty());
}

TEST_F(MailboxSummariesTest, SummaryGoesWithTheLastCopyOfItsMessage) {
    MailboxStore store(dir_ / "m.db", key_, "t");
    add(store, message("m1"));
    {
        Transaction tx(store.database());
        store.copy("INBOX", Uids{1}, "Archive", false);
        store.remove("INBOX", Uids{1});
        tx.commit();
    }
    EXPECT_EQ(count(store.database(), "SELECT count(*) FROM summaries"), 1);
    EXPECT_EQ(mime::deserialize(store.summary("Archive", 1)).envelope.subject, "about m1");
    {
        Transaction tx(store.database());
        store.remove("Archive", Uids{1});
        tx.commit();
    }
    EXPECT_EQ(count(store.database(), "SELECT count(*) FROM contents"), 0);
    EXPECT_EQ(count(store.database(), "SELECT count(*) FROM summaries"), 0);
}

TEST_F(MailboxSummariesTest, VersionTwoDatabaseIsUpgradedAndKeepsItsSummaries) {
    const std::string first = message("old1");
    const std::string second = message("old2");
    {
        Database db = open_encrypted_database(dir_ / "m.db", key_, "t");
        db.exec(kVersion2Schema);
        auto content = db.prepare("INSERT INTO contents(raw, summary, refcount) VALUES(?, ?, 1)");
        auto message_row = db.prepare(
            "INSERT INTO messages(folder_id, uid, modseq, internal_date, size, content_id) "
            "VALUES(1, ?, 2, 1700000000, ?, ?)");
        std::int64_t uid = 1;
        for (const std::string* raw : {&first, &second}) {
            content.bind_blob(1, {reinterpret_cast<const std::uint8_t*>(raw->data()), raw->size()})
                .bind_blob(2, mime::serialize(mime::summarize(*raw)))
                .run();
            content.reset();
            message_row.bind(1, uid++)
                .bind(2, static_cast<std::int64_t>(raw->size()))
                .bind(3, db.last_insert_rowid())
                .run();
            message_row.reset();
        }
    }
    MailboxStore store(dir_ / "m.db", key_, "t");
    Database& db = store.database();
    EXPECT_EQ(count(db, "PRAGMA user_version"), 4);
    // Version 4: the full-text index merges 8 segments at a time.
    EXPECT_EQ(count(db, "SELECT v FROM message_text_config WHERE k = 'automerge'"), 8);
    EXPECT_EQ(
        count(db, "SELECT count(*) FROM pragma_table_info('contents') WHERE name = 'summary'"), 0);
    EXPECT_EQ(mime::deserialize(store.summary("INBOX", 1)).envelope.subject, "about old1");
    auto both = store.summaries("INBOX", Uids{1, 2});
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(mime::deserialize(both[1].summary).envelope.subject, "about old2");
    EXPECT_EQ(store.read("INBOX", 2), second);
    // Messages appended after the upgrade, and removal, work on the upgraded tables.
    EXPECT_EQ(add(store, message("new")), 3);
    EXPECT_EQ(mime::deserialize(store.summary("INBOX", 3)).envelope.subject, "about new");
    {
        Transaction tx(db);
        store.remove("INBOX", Uids{1, 2, 3});
        tx.commit();
    }
    EXPECT_EQ(count(db, "SELECT count(*) FROM summaries"), 0);
}

}  // namespace
}  // namespace sealbox::store

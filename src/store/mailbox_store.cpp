#include "store/mailbox_store.h"

#include <algorithm>
#include <ctime>

#include "core/error.h"
#include "store/encrypted_vfs.h"

namespace sealbox::store {
namespace {

constexpr int kSchemaVersion = 1;

// RFC 9051 §2.3.1.1 (UIDs, UIDVALIDITY), RFC 7162 (MODSEQ), RFC 6154 (special use),
// RFC 8474 (OBJECTID: the rowids), RFC 5256 (thread_id).
constexpr const char* kSchema = R"sql(
CREATE TABLE folders(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL DEFAULT 1,
    highestmodseq INTEGER NOT NULL DEFAULT 1,
    special_use TEXT NOT NULL DEFAULT '',
    subscribed INTEGER NOT NULL DEFAULT 1);
CREATE TABLE contents(
    id INTEGER PRIMARY KEY,
    raw BLOB NOT NULL,
    summary BLOB NOT NULL,
    refcount INTEGER NOT NULL);
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
-- Expunged UIDs with the MODSEQ of their removal, for QRESYNC VANISHED (RFC 7162 §3.2.10).
CREATE TABLE expunged(
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY(folder_id, uid));
-- Full-text index (RFC 9051 §6.4.4 BODY/TEXT); inside the encrypted database like everything else.
CREATE VIRTUAL TABLE message_text USING fts5(headers, body, content='');
CREATE TABLE spool_merged(name TEXT PRIMARY KEY);
)sql";

struct DefaultFolder {
    const char* name;
    const char* special_use;
};

constexpr DefaultFolder kDefaultFolders[] = {
    {"INBOX", ""},      {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
    {"Junk", "\\Junk"}, {"Trash", "\\Trash"},   {"Archive", "\\Archive"},
};

}  // namespace

MailboxStore::MailboxStore(const std::filesystem::path& path, const crypto::SecretBytes& key,
                           const std::string& label)
    : db_(open_encrypted_database(path, key, label)) {
    db_.exec("PRAGMA foreign_keys=ON");
    ensure_schema(db_, kSchemaVersion, kSchema, [this] {
        auto uidvalidity = static_cast<std::int64_t>(std::time(nullptr));
        auto insert =
            db_.prepare("INSERT INTO folders(name, uidvalidity, special_use) VALUES(?, ?, ?)");
        for (const auto& f : kDefaultFolders) {
            insert.bind(1, f.name).bind(2, uidvalidity).bind(3, f.special_use).run();
            insert.reset();
        }
    });
}

std::vector<FolderInfo> MailboxStore::folders() {
    auto s = db_.prepare(
        "SELECT f.id, f.name, f.uidvalidity, f.uidnext, f.highestmodseq, f.special_use, "
        "f.subscribed, count(m.id), coalesce(sum(m.size), 0) FROM folders f "
        "LEFT JOIN messages m ON m.folder_id = f.id GROUP BY f.id ORDER BY f.id");
    std::vector<FolderInfo> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.text(1), s.int64(2), s.int64(3), s.int64(4), s.text(5),
                       s.int64(6) != 0, s.int64(7), s.int64(8)});
    }
    return out;
}

std::optional<FolderInfo> MailboxStore::folder(std::string_view name) {
    for (auto& f : folders()) {
        if (f.name == name) {
            return f;
        }
    }
    return std::nullopt;
}

std::int64_t MailboxStore::folder_id(std::string_view name) {
    auto s = db_.prepare("SELECT id FROM folders WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "no such folder: " + std::string(name));
    }
    return s.int64(0);
}

std::int64_t MailboxStore::append(std::string_view folder, const NewMessage& message) {
    std::int64_t fid = folder_id(folder);
    auto counters = db_.prepare(
        "UPDATE folders SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 "
        "WHERE id = ? RETURNING uidnext - 1, highestmodseq");
    counters.bind(1, fid);
    counters.step();
    std::int64_t uid = counters.int64(0);
    std::int64_t modseq = counters.int64(1);
    counters.reset();

    db_.prepare("INSERT INTO contents(raw, summary, refcount) VALUES(?, ?, 1)")
        .bind_blob(1,
                   {reinterpret_cast<const std::uint8_t*>(message.raw.data()), message.raw.size()})
        .bind_blob(2, message.summary)
        .run();
    std::int64_t content = db_.last_insert_rowid();
    db_.prepare(
           "INSERT INTO messages(folder_id, uid, modseq, flags, internal_date, size, content_id) "
           "VALUES(?, ?, ?, ?, ?, ?, ?)")
        .bind(1, fid)
        .bind(2, uid)
        .bind(3, modseq)
        .bind(4, static_cast<std::int64_t>(message.flags))
        .bind(5, message.internal_date)
        .bind(6, static_cast<std::int64_t>(message.raw.size()))
        .bind(7, content)
        .run();
    return uid;
}

std::vector<MessageInfo> MailboxStore::messages(std::string_view folder) {
    auto s = db_.prepare(
        "SELECT uid, modseq, flags, keywords, internal_date, size FROM messages "
        "WHERE folder_id = ? ORDER BY uid");
    s.bind(1, folder_id(folder));
    std::vector<MessageInfo> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.int64(1), static_cast<std::uint32_t>(s.int64(2)), s.text(3),
                       s.int64(4), s.int64(5)});
    }
    return out;
}

std::string MailboxStore::read(std::string_view folder, std::int64_t uid) {
    auto s = db_.prepare(
        "SELECT c.raw FROM messages m JOIN contents c ON c.id = m.content_id "
        "WHERE m.folder_id = ? AND m.uid = ?");
    s.bind(1, folder_id(folder)).bind(2, uid);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "no message with UID " + std::to_string(uid));
    }
    return s.text(0);
}

std::vector<std::int64_t> MailboxStore::remove(std::string_view folder,
                                               std::span<const std::int64_t> uids) {
    std::int64_t fid = folder_id(folder);
    auto take =
        db_.prepare("DELETE FROM messages WHERE folder_id = ? AND uid = ? RETURNING content_id");
    auto release =
        db_.prepare("UPDATE contents SET refcount = refcount - 1 WHERE id = ? RETURNING refcount");
    auto drop = db_.prepare("DELETE FROM contents WHERE id = ?");
    auto modseq = db_.prepare(
        "UPDATE folders SET highestmodseq = highestmodseq + 1 WHERE id = ? "
        "RETURNING highestmodseq");
    auto record =
        db_.prepare("INSERT OR REPLACE INTO expunged(folder_id, uid, modseq) VALUES(?, ?, ?)");
    std::vector<std::int64_t> removed;
    for (std::int64_t uid : uids) {
        take.bind(1, fid).bind(2, uid);
        if (!take.step()) {
            take.reset();
            continue;
        }
        std::int64_t content = take.int64(0);
        take.reset();
        release.bind(1, content);
        release.step();
        bool unused = release.int64(0) <= 0;
        release.reset();
        if (unused) {
            drop.bind(1, content).run();
            drop.reset();
        }
        modseq.bind(1, fid);
        modseq.step();
        std::int64_t seq = modseq.int64(0);
        modseq.reset();
        record.bind(1, fid).bind(2, uid).bind(3, seq).run();
        record.reset();
        removed.push_back(uid);
    }
    return removed;
}

std::vector<std::uint8_t> MailboxStore::summary(std::string_view folder, std::int64_t uid) {
    auto s = db_.prepare(
        "SELECT c.summary FROM messages m JOIN contents c ON c.id = m.content_id "
        "WHERE m.folder_id = ? AND m.uid = ?");
    s.bind(1, folder_id(folder)).bind(2, uid);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "no message with UID " + std::to_string(uid));
    }
    return s.blob(0);
}

std::int64_t MailboxStore::total_bytes() {
    auto s = db_.prepare("SELECT coalesce(sum(size), 0) FROM messages");
    s.step();
    return s.int64(0);
}

bool MailboxStore::spool_entry_merged(std::string_view name) {
    auto s = db_.prepare("SELECT 1 FROM spool_merged WHERE name = ?");
    s.bind(1, name);
    return s.step();
}

void MailboxStore::record_spool_entry(std::string_view name) {
    db_.prepare("INSERT INTO spool_merged(name) VALUES(?)").bind(1, name).run();
}

void MailboxStore::forget_spool_entries_except(const std::vector<std::string>& still_present) {
    auto all = db_.prepare("SELECT name FROM spool_merged");
    std::vector<std::string> stale;
    while (all.step()) {
        std::string name = all.text(0);
        if (std::find(still_present.begin(), still_present.end(), name) == still_present.end()) {
            stale.push_back(std::move(name));
        }
    }
    auto del = db_.prepare("DELETE FROM spool_merged WHERE name = ?");
    for (const auto& name : stale) {
        del.bind(1, name).run();
        del.reset();
    }
}

}  // namespace sealbox::store

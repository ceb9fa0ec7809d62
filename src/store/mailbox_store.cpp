#include "store/mailbox_store.h"

#include <algorithm>
#include <ctime>

#include "core/error.h"
#include "store/encrypted_vfs.h"

namespace sealbox::store {
namespace {

constexpr int kSchemaVersion = 4;

// RFC 9051 §2.3.1.1 (UIDs, UIDVALIDITY), RFC 7162 (MODSEQ), RFC 6154 (special use),
// RFC 8474 (OBJECTID: the rowids, never reused thanks to AUTOINCREMENT), RFC 5256 (thread_id:
// the content id of the message that started the thread).
constexpr const char* kSchema = R"sql(
CREATE TABLE folders(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    uidvalidity INTEGER NOT NULL,
    uidnext INTEGER NOT NULL DEFAULT 1,
    highestmodseq INTEGER NOT NULL DEFAULT 1,
    special_use TEXT NOT NULL DEFAULT '',
    subscribed INTEGER NOT NULL DEFAULT 1);
-- The last UIDVALIDITY given out, so that a folder deleted and created again in the same second
-- still gets a new one (RFC 9051 §2.3.1.1).
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
-- Expunged UIDs with the MODSEQ of their removal, for QRESYNC VANISHED (RFC 7162 §3.2.10).
CREATE TABLE expunged(
    folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
    uid INTEGER NOT NULL,
    modseq INTEGER NOT NULL,
    PRIMARY KEY(folder_id, uid));
-- Full-text index (RFC 9051 §6.4.4 BODY/TEXT), rowid = contents.id; inside the encrypted
-- database like everything else. It stores its text, which confirms the trigram candidates.
CREATE VIRTUAL TABLE message_text USING fts5(headers, body, tokenize='trigram');
-- What the user taught the spam filter: a message moved into (to_junk = 1) or out of the \Junk
-- folder.
CREATE TABLE junk_training(
    content_id INTEGER NOT NULL,
    to_junk INTEGER NOT NULL,
    at INTEGER NOT NULL);
CREATE TABLE spool_merged(name TEXT PRIMARY KEY);
)sql";

constexpr SchemaUpgrade kUpgrades[] = {
    // RFC 5464 annotations (IMAP METADATA); folder_id NULL: the account's own, which IMAP calls
    // server annotations. Folder ids start at 1, so 0 stands for NULL in the unique key.
    {2, R"sql(
CREATE TABLE annotations(
    folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value BLOB NOT NULL);
CREATE UNIQUE INDEX annotations_by_name ON annotations(ifnull(folder_id, 0), name);
)sql"},
    // Summaries get their own table: behind the raw message in a contents row, reading one
    // meant walking (and decrypting) every overflow page of the message first. A content's
    // summary goes with it (ON DELETE CASCADE; MailboxStore turns foreign keys on).
    {3, R"sql(
CREATE TABLE summaries(
    content_id INTEGER PRIMARY KEY REFERENCES contents(id) ON DELETE CASCADE,
    summary BLOB NOT NULL);
INSERT INTO summaries(content_id, summary) SELECT id, summary FROM contents;
ALTER TABLE contents DROP COLUMN summary;
)sql"},
    // The full-text index merges its segments 8 at a time instead of FTS5's 4: each message's
    // trigrams are rewritten (and their pages encrypted again) fewer times. APPEND of 10,000
    // messages took 13-21% less CPU, and SEARCH TEXT was about as fast (docs/BENCHMARKS.md).
    {4, R"sql(
INSERT INTO message_text(message_text, rank) VALUES('automerge', 8);
)sql"},
};

struct DefaultFolder {
    const char* name;
    const char* special_use;
};

constexpr DefaultFolder kDefaultFolders[] = {
    {"INBOX", ""},      {"Drafts", "\\Drafts"}, {"Sent", "\\Sent"},
    {"Junk", "\\Junk"}, {"Trash", "\\Trash"},   {"Archive", "\\Archive"},
};

// RFC 6154 §2 attributes a real folder can carry (\All and \Flagged are virtual views).
constexpr std::string_view kSpecialUses[] = {"\\Archive", "\\Drafts", "\\Junk", "\\Sent",
                                             "\\Trash"};

bool is_inbox(std::string_view name) {
    constexpr std::string_view inbox = "INBOX";
    return name.size() == inbox.size() &&
           std::equal(name.begin(), name.end(), inbox.begin(),
                      [](char a, char b) { return (a & ~0x20) == b; });
}

// Non-empty levels, no control characters; INBOX's spelling is the caller's business.
void check_name(std::string_view name) {
    bool ok = !name.empty() && name.front() != kFolderDelimiter &&
              name.back() != kFolderDelimiter && name.find("//") == std::string_view::npos &&
              std::none_of(name.begin(), name.end(), [](char c) {
                  auto u = static_cast<unsigned char>(c);
                  return u < 0x20 || u == 0x7f;
              });
    if (!ok) {
        throw Error(ErrorCode::invalid_argument, "not a valid mailbox name");
    }
}

std::string_view parent_of(std::string_view name) {
    auto slash = name.rfind(kFolderDelimiter);
    return slash == std::string_view::npos ? std::string_view() : name.substr(0, slash);
}

}  // namespace

MailboxStore::MailboxStore(const std::filesystem::path& path, const crypto::SecretBytes& key,
                           const std::string& label, Access access)
    : db_(open_encrypted_database(path, key, label)) {
    db_.exec("PRAGMA foreign_keys=ON");
    if (access == Access::read_only) {
        db_.exec("PRAGMA query_only=ON");
        return;
    }
    ensure_schema(
        db_, kSchemaVersion, kSchema,
        [this] {
            db_.prepare("INSERT INTO uidvalidity_issued(last) VALUES(0)").run();
            for (const auto& f : kDefaultFolders) {
                insert_folder(f.name, f.special_use);
            }
        },
        kUpgrades);
}

std::int64_t MailboxStore::next_uidvalidity() {
    // 32 bits (RFC 9051 §9 nz-number): Unix time fits until 2106.
    auto now = static_cast<std::int64_t>(std::time(nullptr));
    auto s = db_.prepare("UPDATE uidvalidity_issued SET last = max(last + 1, ?) RETURNING last");
    s.bind(1, now);
    s.step();
    return s.int64(0);
}

std::int64_t MailboxStore::insert_folder(std::string_view name, std::string_view special_use) {
    std::int64_t uidvalidity = next_uidvalidity();
    db_.prepare("INSERT INTO folders(name, uidvalidity, special_use) VALUES(?, ?, ?)")
        .bind(1, name)
        .bind(2, uidvalidity)
        .bind(3, special_use)
        .run();
    return db_.last_insert_rowid();
}

namespace {
constexpr const char* kFolderColumns =
    "SELECT f.id, f.name, f.uidvalidity, f.uidnext, f.highestmodseq, f.special_use, "
    "f.subscribed, count(m.id), coalesce(sum(m.size), 0), "
    "coalesce(sum((m.flags & 1) = 0), 0), coalesce(sum((m.flags & 8) != 0), 0) "
    "FROM folders f LEFT JOIN messages m ON m.folder_id = f.id ";

FolderInfo folder_row(const Statement& s) {
    return {s.int64(0),      s.text(1),  s.int64(2), s.int64(3), s.int64(4), s.text(5),
            s.int64(6) != 0, s.int64(7), s.int64(8), s.int64(9), s.int64(10)};
}
}  // namespace

std::vector<FolderInfo> MailboxStore::folders() {
    auto s = db_.prepare(std::string(kFolderColumns) + "GROUP BY f.id ORDER BY f.name");
    std::vector<FolderInfo> out;
    while (s.step()) {
        out.push_back(folder_row(s));
    }
    return out;
}

std::optional<FolderInfo> MailboxStore::folder(std::string_view name) {
    auto s = db_.prepare(std::string(kFolderColumns) + "WHERE f.name = ? GROUP BY f.id");
    s.bind(1, name);
    if (!s.step()) {
        return std::nullopt;
    }
    return folder_row(s);
}

std::int64_t MailboxStore::folder_id(std::string_view name) {
    auto s = db_.prepare("SELECT id FROM folders WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "no such mailbox");
    }
    return s.int64(0);
}

void MailboxStore::create_folder(std::string_view name, std::string_view special_use) {
    check_name(name);
    if (!special_use.empty() && std::find(std::begin(kSpecialUses), std::end(kSpecialUses),
                                          special_use) == std::end(kSpecialUses)) {
        // RFC 6154 §5.3: the session answers NO [USEATTR].
        throw Error(ErrorCode::invalid_argument, "unsupported special-use attribute");
    }
    if (is_inbox(name) || folder(name)) {
        throw Error(ErrorCode::already_exists, "mailbox already exists");
    }
    // RFC 9051 §6.3.4: superior names the new one needs are created too.
    for (auto parent = parent_of(name); !parent.empty(); parent = parent_of(parent)) {
        if (!is_inbox(parent) && !folder(parent)) {
            insert_folder(parent, "");
        }
    }
    insert_folder(name, special_use);
}

std::int64_t MailboxStore::delete_folder(std::string_view name) {
    if (is_inbox(name)) {
        throw Error(ErrorCode::invalid_argument, "INBOX cannot be deleted");  // RFC 9051 §6.3.5
    }
    std::int64_t fid = folder_id(name);
    auto children = db_.prepare("SELECT 1 FROM folders WHERE substr(name, 1, ?) = ? LIMIT 1");
    std::string prefix = std::string(name) + kFolderDelimiter;
    children.bind(1, static_cast<std::int64_t>(prefix.size())).bind(2, prefix);
    if (children.step()) {
        // RFC 9051 §6.3.5 would keep it as \Noselect; refusing is simpler and leaves no
        // half-deleted mailbox behind.
        throw Error(ErrorCode::invalid_argument, "mailbox has children: delete or move them first");
    }
    std::vector<std::int64_t> uids;
    std::int64_t bytes = 0;
    for (const auto& m : messages(name)) {
        uids.push_back(m.uid);
        bytes += m.size;
    }
    remove(name, uids);
    db_.prepare("DELETE FROM folders WHERE id = ?").bind(1, fid).run();
    return bytes;
}

void MailboxStore::rename_folder(std::string_view from, std::string_view to) {
    check_name(to);
    std::int64_t fid = folder_id(from);
    if (is_inbox(to) || folder(to)) {
        throw Error(ErrorCode::already_exists, "mailbox already exists");
    }
    std::string from_prefix = std::string(from) + kFolderDelimiter;
    if (to.starts_with(from_prefix)) {
        throw Error(ErrorCode::invalid_argument, "cannot move a mailbox into itself");
    }
    for (auto parent = parent_of(to); !parent.empty(); parent = parent_of(parent)) {
        if (!is_inbox(parent) && !folder(parent)) {
            insert_folder(parent, "");
        }
    }
    if (is_inbox(from)) {
        // RFC 9051 §6.3.6: INBOX's messages go to a new mailbox (which keeps their UIDs under
        // its own UIDVALIDITY); INBOX stays, empty, and sessions that have it selected see the
        // messages expunged (RFC 7162 §3.2.10).
        std::int64_t target = insert_folder(to, "");
        auto uids = db_.prepare("SELECT uid FROM messages WHERE folder_id = ? ORDER BY uid");
        uids.bind(1, fid);
        std::vector<std::int64_t> moved;
        while (uids.step()) {
            moved.push_back(uids.int64(0));
        }
        db_.prepare(
               "UPDATE folders SET (uidnext, highestmodseq) = (SELECT uidnext, highestmodseq "
               "FROM folders WHERE id = ?) WHERE id = ?")
            .bind(1, fid)
            .bind(2, target)
            .run();
        db_.prepare("UPDATE messages SET folder_id = ? WHERE folder_id = ?")
            .bind(1, target)
            .bind(2, fid)
            .run();
        auto record =
            db_.prepare("INSERT OR REPLACE INTO expunged(folder_id, uid, modseq) VALUES(?, ?, ?)");
        for (std::int64_t uid : moved) {
            record.bind(1, fid).bind(2, uid).bind(3, bump_modseq(fid)).run();
            record.reset();
        }
        return;
    }
    // The folder keeps its id (RFC 8474 §4: MAILBOXID survives RENAME) and its UIDVALIDITY.
    db_.prepare("UPDATE folders SET name = ? WHERE id = ?").bind(1, to).bind(2, fid).run();
    db_.prepare("UPDATE folders SET name = ? || substr(name, ?) WHERE substr(name, 1, ?) = ?")
        .bind(1, std::string(to) + kFolderDelimiter)
        .bind(2, static_cast<std::int64_t>(from_prefix.size()) + 1)
        .bind(3, static_cast<std::int64_t>(from_prefix.size()))
        .bind(4, from_prefix)
        .run();
}

void MailboxStore::set_subscribed(std::string_view name, bool subscribed) {
    db_.prepare("UPDATE folders SET subscribed = ? WHERE id = ?")
        .bind(1, std::int64_t{subscribed})
        .bind(2, folder_id(name))
        .run();
}

std::int64_t MailboxStore::bump_modseq(std::int64_t folder_id) {
    auto s = db_.prepare(
        "UPDATE folders SET highestmodseq = highestmodseq + 1 WHERE id = ? "
        "RETURNING highestmodseq");
    s.bind(1, folder_id);
    s.step();
    return s.int64(0);
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

// MailboxStore: messages, their flags, copies and removal.
#include <algorithm>
#include <cstring>
#include <ctime>

#include "core/error.h"
#include "mime/field_parser.h"
#include "mime/message_summary.h"
#include "mime/searchable_text.h"
#include "store/mailbox_store.h"

namespace sealbox::store {
namespace {

constexpr const char* kMessageColumns =
    "SELECT uid, modseq, flags, keywords, internal_date, size, content_id, "
    "coalesce(thread_id, content_id) FROM messages ";

MessageInfo message_row(const Statement& s) {
    return {s.int64(0), s.int64(1), static_cast<std::uint32_t>(s.int64(2)),
            s.text(3),  s.int64(4), s.int64(5),
            s.int64(6), s.int64(7)};
}

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c + ('a' - 'A'));
        }
    }
    return out;
}

std::vector<std::string> split_keywords(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        if (end > start) {
            out.emplace_back(text.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

// RFC 9051 §2.3.2: keywords are case-insensitive; the first spelling is kept.
bool has_keyword(const std::vector<std::string>& list, std::string_view keyword) {
    std::string wanted = lower_ascii(keyword);
    return std::any_of(list.begin(), list.end(),
                       [&](const std::string& k) { return lower_ascii(k) == wanted; });
}

std::string join_keywords(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& k : list) {
        if (!out.empty()) {
            out += ' ';
        }
        out += k;
    }
    return out;
}

std::vector<std::string> apply_keywords(std::string_view current, FlagMode mode,
                                        std::span<const std::string> keywords) {
    std::vector<std::string> out =
        mode == FlagMode::replace ? std::vector<std::string>{} : split_keywords(current);
    for (const auto& k : keywords) {
        if (mode == FlagMode::remove) {
            std::string wanted = lower_ascii(k);
            std::erase_if(out,
                          [&](const std::string& have) { return lower_ascii(have) == wanted; });
        } else if (!has_keyword(out, k)) {
            out.push_back(k);
        }
    }
    return out;
}

bool same_keywords(std::string_view a, const std::vector<std::string>& b) {
    auto list = split_keywords(a);
    return list.size() == b.size() && std::all_of(b.begin(), b.end(), [&](const std::string& k) {
               return has_keyword(list, k);
           });
}

std::string first_message_id(const std::string& value) {
    auto ids = mime::parse_message_ids(value);
    return ids.empty() ? std::string() : ids.front();
}

}  // namespace

std::int64_t MailboxStore::thread_for(const mime::MessageSummary& parsed, std::int64_t content_id) {
    // RFC 5256 §2.2 REFERENCES, simplified: a message joins the thread of the nearest message
    // it refers to (In-Reply-To, then References from the last) that this mailbox holds.
    std::vector<std::string> parents = mime::parse_message_ids(parsed.envelope.in_reply_to);
    parents.insert(parents.end(), parsed.references.rbegin(), parsed.references.rend());
    auto find = db_.prepare(
        "SELECT coalesce(m.thread_id, m.content_id) FROM contents c "
        "JOIN messages m ON m.content_id = c.id WHERE c.message_id = ? AND c.id != ? LIMIT 1");
    for (const auto& parent : parents) {
        find.bind(1, parent).bind(2, content_id);
        if (find.step()) {
            return find.int64(0);
        }
        find.reset();
    }
    return content_id;
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

    std::optional<mime::MessageSummary> parsed;
    try {
        parsed = mime::deserialize(message.summary);
    } catch (const Error&) {
        // No structure, no Message-ID: the message starts its own thread.
    }
    // message_id is written with the row: an UPDATE later would rewrite every page of `raw`.
    db_.prepare("INSERT INTO contents(raw, refcount, message_id) VALUES(?, 1, nullif(?, ''))")
        .bind_blob(1,
                   {reinterpret_cast<const std::uint8_t*>(message.raw.data()), message.raw.size()})
        .bind(2, parsed ? first_message_id(parsed->envelope.message_id) : std::string())
        .run();
    std::int64_t content = db_.last_insert_rowid();
    db_.prepare("INSERT INTO summaries(content_id, summary) VALUES(?, ?)")
        .bind(1, content)
        .bind_blob(2, message.summary)
        .run();
    if (message.text) {
        index_text(content, message.text->headers, message.text->body);
    } else {
        auto text = indexable_text(message.raw);
        index_text(content, text.headers, text.body);
    }
    std::int64_t thread = parsed ? thread_for(*parsed, content) : content;
    db_.prepare(
           "INSERT INTO messages(folder_id, uid, modseq, flags, keywords, internal_date, size, "
           "content_id, thread_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, fid)
        .bind(2, uid)
        .bind(3, modseq)
        .bind(4, static_cast<std::int64_t>(message.flags))
        .bind(5, message.keywords)
        .bind(6, message.internal_date)
        .bind(7, static_cast<std::int64_t>(message.raw.size()))
        .bind(8, content)
        .bind(9, thread)
        .run();
    return uid;
}

std::vector<MessageInfo> MailboxStore::messages(std::string_view folder) {
    auto s = db_.prepare(std::string(kMessageColumns) + "WHERE folder_id = ? ORDER BY uid");
    s.bind(1, folder_id(folder));
    std::vector<MessageInfo> out;
    while (s.step()) {
        out.push_back(message_row(s));
    }
    return out;
}

std::vector<MessageFlags> MailboxStore::message_flags(std::string_view folder) {
    auto s =
        db_.prepare("SELECT uid, flags, keywords FROM messages WHERE folder_id = ? ORDER BY uid");
    s.bind(1, folder_id(folder));
    std::vector<MessageFlags> out;
    while (s.step()) {
        out.push_back({s.int64(0), static_cast<std::uint32_t>(s.int64(1)), s.text(2)});
    }
    return out;
}

std::vector<MessageInfo> MailboxStore::messages(std::string_view folder,
                                                std::span<const std::int64_t> uids) {
    std::int64_t fid = folder_id(folder);
    std::vector<std::int64_t> sorted(uids.begin(), uids.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    auto s = db_.prepare(std::string(kMessageColumns) + "WHERE folder_id = ? AND uid = ?");
    std::vector<MessageInfo> out;
    for (std::int64_t uid : sorted) {
        s.bind(1, fid).bind(2, uid);
        if (s.step()) {
            out.push_back(message_row(s));
        }
        s.reset();
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

std::string MailboxStore::read_range(std::int64_t content_id, std::uint64_t offset,
                                     std::uint64_t length) {
    // Incremental blob I/O reads only the pages that hold the range.
    sqlite3_blob* blob = nullptr;
    if (int rc = sqlite3_blob_open(db_.handle(), "main", "contents", "raw", content_id, 0, &blob);
        rc != SQLITE_OK) {
        sqlite3_blob_close(blob);
        if (rc == SQLITE_ERROR) {
            throw Error(ErrorCode::not_found, "no such message content");
        }
        db_.fail(rc);
    }
    auto size = static_cast<std::uint64_t>(sqlite3_blob_bytes(blob));
    offset = std::min(offset, size);
    length = std::min(length, size - offset);
    std::string out(length, '\0');
    int rc = length == 0 ? SQLITE_OK
                         : sqlite3_blob_read(blob, out.data(), static_cast<int>(length),
                                             static_cast<int>(offset));
    sqlite3_blob_close(blob);
    if (rc != SQLITE_OK) {
        db_.fail(rc);
    }
    return out;
}

void MailboxStore::release_content(std::int64_t content_id) {
    auto release =
        db_.prepare("UPDATE contents SET refcount = refcount - 1 WHERE id = ? RETURNING refcount");
    release.bind(1, content_id);
    release.step();
    bool unused = release.int64(0) <= 0;
    release.reset();
    if (unused) {
        db_.prepare("DELETE FROM message_text WHERE rowid = ?").bind(1, content_id).run();
        db_.prepare("DELETE FROM contents WHERE id = ?").bind(1, content_id).run();
    }
}

std::vector<std::int64_t> MailboxStore::remove(std::string_view folder,
                                               std::span<const std::int64_t> uids) {
    std::int64_t fid = folder_id(folder);
    auto take =
        db_.prepare("DELETE FROM messages WHERE folder_id = ? AND uid = ? RETURNING content_id");
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
        release_content(content);
        record.bind(1, fid).bind(2, uid).bind(3, bump_modseq(fid)).run();
        record.reset();
        removed.push_back(uid);
    }
    return removed;
}

std::vector<std::uint8_t> MailboxStore::summary(std::string_view folder, std::int64_t uid) {
    auto s = db_.prepare(
        "SELECT s.summary FROM messages m JOIN summaries s ON s.content_id = m.content_id "
        "WHERE m.folder_id = ? AND m.uid = ?");
    s.bind(1, folder_id(folder)).bind(2, uid);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "no message with UID " + std::to_string(uid));
    }
    return s.blob(0);
}

std::vector<UidSummary> MailboxStore::summaries(std::string_view folder,
                                                std::span<const std::int64_t> uids) {
    // One query for the whole set: the UIDs go in as one JSON array parameter.
    std::string list = "[";
    for (std::int64_t uid : uids) {
        if (list.size() > 1) {
            list += ',';
        }
        list += std::to_string(uid);
    }
    list += ']';
    auto s = db_.prepare(
        "SELECT m.uid, s.summary FROM messages m JOIN summaries s ON s.content_id = m.content_id "
        "WHERE m.folder_id = ? AND m.uid IN (SELECT value FROM json_each(?)) ORDER BY m.uid");
    s.bind(1, folder_id(folder)).bind(2, list);
    std::vector<UidSummary> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.blob(1)});
    }
    return out;
}

FlagChange MailboxStore::store_flags(std::string_view folder, std::span<const std::int64_t> uids,
                                     FlagMode mode, std::uint32_t flags,
                                     std::span<const std::string> keywords,
                                     std::optional<std::int64_t> unchanged_since) {
    std::int64_t fid = folder_id(folder);
    auto update = db_.prepare(
        "UPDATE messages SET flags = ?, keywords = ?, modseq = ? WHERE folder_id = ? AND uid = ?");
    FlagChange out;
    for (auto& m : messages(folder, uids)) {
        // RFC 7162 §3.1.3: a message changed since the client looked is left alone.
        if (unchanged_since && m.modseq > *unchanged_since) {
            out.modified.push_back(m.uid);
            continue;
        }
        std::uint32_t new_flags = mode == FlagMode::replace ? flags
                                  : mode == FlagMode::add   ? m.flags | flags
                                                            : m.flags & ~flags;
        auto new_keywords = apply_keywords(m.keywords, mode, keywords);
        if (new_flags == m.flags && same_keywords(m.keywords, new_keywords)) {
            continue;  // nothing changed: no new MODSEQ (RFC 7162 §3.1.1)
        }
        m.flags = new_flags;
        m.keywords = join_keywords(new_keywords);
        m.modseq = bump_modseq(fid);
        update.bind(1, static_cast<std::int64_t>(m.flags))
            .bind(2, m.keywords)
            .bind(3, m.modseq)
            .bind(4, fid)
            .bind(5, m.uid)
            .run();
        update.reset();
        out.updated.push_back(std::move(m));
    }
    return out;
}

Removal MailboxStore::expunge(std::string_view folder,
                              std::optional<std::span<const std::int64_t>> only) {
    auto candidates = only ? messages(folder, *only) : messages(folder);
    Removal out;
    std::vector<std::int64_t> deleted;
    for (const auto& m : candidates) {
        if (m.flags & kFlagDeleted) {
            deleted.push_back(m.uid);
            out.bytes += m.size;
        }
    }
    out.uids = remove(folder, deleted);
    return out;
}

FolderChanges MailboxStore::changes_since(std::string_view folder, std::int64_t since) {
    std::int64_t fid = folder_id(folder);
    FolderChanges out;
    auto changed = db_.prepare(std::string(kMessageColumns) +
                               "WHERE folder_id = ? AND modseq > ? ORDER BY uid");
    changed.bind(1, fid).bind(2, since);
    while (changed.step()) {
        out.changed.push_back(message_row(changed));
    }
    auto gone =
        db_.prepare("SELECT uid FROM expunged WHERE folder_id = ? AND modseq > ? ORDER BY uid");
    gone.bind(1, fid).bind(2, since);
    while (gone.step()) {
        out.expunged.push_back(gone.int64(0));
    }
    auto highest = db_.prepare("SELECT highestmodseq FROM folders WHERE id = ?");
    highest.bind(1, fid);
    highest.step();
    out.highestmodseq = highest.int64(0);
    return out;
}

Copy MailboxStore::copy(std::string_view folder, std::span<const std::int64_t> uids,
                        std::string_view target, bool move) {
    auto source_info = this->folder(folder);
    auto target_info = this->folder(target);
    if (!source_info || !target_info) {
        throw Error(ErrorCode::not_found, "no such mailbox");  // RFC 9051 §6.4.7 TRYCREATE
    }
    bool junk_from = source_info->special_use == "\\Junk";
    bool junk_to = target_info->special_use == "\\Junk";
    auto counters = db_.prepare(
        "UPDATE folders SET uidnext = uidnext + 1, highestmodseq = highestmodseq + 1 "
        "WHERE id = ? RETURNING uidnext - 1, highestmodseq");
    auto insert = db_.prepare(
        "INSERT INTO messages(folder_id, uid, modseq, flags, keywords, internal_date, size, "
        "content_id, thread_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto share = db_.prepare("UPDATE contents SET refcount = refcount + 1 WHERE id = ?");
    auto train = db_.prepare("INSERT INTO junk_training(content_id, to_junk, at) VALUES(?, ?, ?)");
    auto now = static_cast<std::int64_t>(std::time(nullptr));
    Copy out;
    out.uidvalidity = target_info->uidvalidity;
    for (const auto& m : messages(folder, uids)) {
        counters.bind(1, target_info->id);
        counters.step();
        std::int64_t uid = counters.int64(0);
        std::int64_t modseq = counters.int64(1);
        counters.reset();
        share.bind(1, m.content_id).run();
        share.reset();
        // RFC 9051 §6.4.7: flags and internal date are preserved.
        insert.bind(1, target_info->id)
            .bind(2, uid)
            .bind(3, modseq)
            .bind(4, static_cast<std::int64_t>(m.flags))
            .bind(5, m.keywords)
            .bind(6, m.internal_date)
            .bind(7, m.size)
            .bind(8, m.content_id)
            .bind(9, m.thread_id)
            .run();
        insert.reset();
        // COPY counts too: clients without MOVE copy, then expunge.
        if (junk_from != junk_to) {
            train.bind(1, m.content_id).bind(2, std::int64_t{junk_to}).bind(3, now).run();
            train.reset();
        }
        out.source.push_back(m.uid);
        out.target.push_back(uid);
        out.bytes += m.size;
    }
    if (move) {
        remove(folder, out.source);  // RFC 6851 §3.3: expunged from the source
    }
    return out;
}

}  // namespace sealbox::store

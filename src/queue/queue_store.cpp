#include "queue/queue_store.h"

#include "core/error.h"
#include "crypto/aead.h"
#include "crypto/server_key.h"
#include "store/encrypted_vfs.h"

namespace sealbox::queue {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE messages(
    id INTEGER PRIMARY KEY,
    queue_id TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    account TEXT NOT NULL,
    envid TEXT NOT NULL,
    flags INTEGER NOT NULL,
    created INTEGER NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL);
CREATE TABLE recipients(
    id INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    address TEXT NOT NULL,
    orcpt TEXT NOT NULL,
    notify INTEGER NOT NULL,
    state INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt INTEGER NOT NULL,
    last_reply TEXT NOT NULL DEFAULT '',
    remote_host TEXT NOT NULL DEFAULT '',
    delay_notified INTEGER NOT NULL DEFAULT 0);
CREATE INDEX recipients_due ON recipients(state, next_attempt);
CREATE INDEX recipients_of_message ON recipients(message_id);
)sql";

constexpr std::int64_t kReturnHeadersOnly = 1;
constexpr std::int64_t kEightBit = 2;
constexpr std::int64_t kSmtpUtf8 = 4;
constexpr std::int64_t kRequireTls = 8;

std::int64_t flags_of(const Envelope& e) {
    return (e.return_headers_only ? kReturnHeadersOnly : 0) | (e.eight_bit ? kEightBit : 0) |
           (e.smtputf8 ? kSmtpUtf8 : 0) | (e.requiretls ? kRequireTls : 0);
}

std::int64_t notify_bits(const Notify& n) {
    return (n.success ? 1 : 0) | (n.failure ? 2 : 0) | (n.delay ? 4 : 0);
}

Notify notify_of(std::int64_t bits) {
    return Notify{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0};
}

}  // namespace

QueueStore::QueueStore(const std::filesystem::path& path, const crypto::SecretBytes& key)
    : db_(store::open_encrypted_database(path, key, "outbound queue")) {
    db_.exec("PRAGMA foreign_keys=ON");
    store::ensure_schema(db_, kSchemaVersion, kSchema);
}

std::int64_t QueueStore::enqueue(const Envelope& envelope, const std::vector<Recipient>& recipients,
                                 std::string_view content, std::int64_t now) {
    if (recipients.empty()) {
        throw Error(ErrorCode::invalid_argument, "a queued message needs a recipient");
    }
    std::lock_guard lock(mutex_);
    store::Transaction tx(db_);
    db_.prepare(
           "INSERT INTO messages(queue_id, sender, account, envid, flags, created, size, content) "
           "VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, envelope.queue_id)
        .bind(2, envelope.sender)
        .bind(3, envelope.account)
        .bind(4, envelope.envid)
        .bind(5, flags_of(envelope))
        .bind(6, now)
        .bind(7, static_cast<std::int64_t>(content.size()))
        .bind_blob(8, {reinterpret_cast<const std::uint8_t*>(content.data()), content.size()})
        .run();
    std::int64_t id = db_.last_insert_rowid();
    auto insert = db_.prepare(
        "INSERT INTO recipients(message_id, address, orcpt, notify, state, next_attempt) "
        "VALUES(?, ?, ?, ?, ?, ?)");
    for (const auto& r : recipients) {
        insert.bind(1, id)
            .bind(2, r.address)
            .bind(3, r.orcpt)
            .bind(4, notify_bits(r.notify))
            .bind(5, static_cast<std::int64_t>(RecipientState::queued))
            .bind(6, now)
            .run();
        insert.reset();
    }
    tx.commit();  // synchronous=FULL: durable here
    return id;
}

std::vector<Message> QueueStore::read_messages(store::Statement& s) {
    std::vector<Message> out;
    while (s.step()) {
        Message m;
        m.id = s.int64(0);
        m.envelope.queue_id = s.text(1);
        m.envelope.sender = s.text(2);
        m.envelope.account = s.text(3);
        m.envelope.envid = s.text(4);
        std::int64_t flags = s.int64(5);
        m.envelope.return_headers_only = (flags & kReturnHeadersOnly) != 0;
        m.envelope.eight_bit = (flags & kEightBit) != 0;
        m.envelope.smtputf8 = (flags & kSmtpUtf8) != 0;
        m.envelope.requiretls = (flags & kRequireTls) != 0;
        m.created = s.int64(6);
        m.size = s.int64(7);
        out.push_back(std::move(m));
    }
    auto r = db_.prepare(
        "SELECT id, address, orcpt, notify, state, attempts, next_attempt, last_reply, "
        "remote_host, delay_notified FROM recipients WHERE message_id = ? ORDER BY id");
    for (auto& m : out) {
        r.bind(1, m.id);
        while (r.step()) {
            Recipient rcpt;
            rcpt.id = r.int64(0);
            rcpt.address = r.text(1);
            rcpt.orcpt = r.text(2);
            rcpt.notify = notify_of(r.int64(3));
            rcpt.state = static_cast<RecipientState>(r.int64(4));
            rcpt.attempts = static_cast<int>(r.int64(5));
            rcpt.next_attempt = r.int64(6);
            rcpt.last_reply = r.text(7);
            rcpt.remote_host = r.text(8);
            rcpt.delay_notified = r.int64(9) != 0;
            m.recipients.push_back(std::move(rcpt));
        }
        r.reset();
    }
    return out;
}

std::vector<Message> QueueStore::due(std::int64_t now, std::size_t limit) {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "SELECT m.id, m.queue_id, m.sender, m.account, m.envid, m.flags, m.created, m.size "
        "FROM messages m WHERE m.id IN (SELECT message_id FROM recipients "
        "WHERE state = 0 AND next_attempt <= ?) ORDER BY m.id LIMIT ?");
    s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
    return read_messages(s);
}

std::optional<std::int64_t> QueueStore::next_due() {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare("SELECT min(next_attempt) FROM recipients WHERE state = 0");
    if (s.step() && !s.is_null(0)) {
        return s.int64(0);
    }
    return std::nullopt;
}

std::string QueueStore::content(std::int64_t message_id) {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare("SELECT content FROM messages WHERE id = ?");
    s.bind(1, message_id);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "queued message " + std::to_string(message_id));
    }
    auto blob = s.blob(0);
    return std::string(blob.begin(), blob.end());
}

void QueueStore::update(const std::vector<RecipientUpdate>& updates) {
    std::lock_guard lock(mutex_);
    store::Transaction tx(db_);
    auto s = db_.prepare(
        "UPDATE recipients SET state = ?, next_attempt = ?, last_reply = ?, remote_host = ?, "
        "attempts = attempts + ?, delay_notified = max(delay_notified, ?) WHERE id = ?");
    for (const auto& u : updates) {
        s.bind(1, static_cast<std::int64_t>(u.state))
            .bind(2, u.next_attempt)
            .bind(3, u.reply)
            .bind(4, u.remote_host)
            .bind(5, u.counts_as_attempt ? 1 : 0)
            .bind(6, u.delay_notified ? 1 : 0)
            .bind(7, u.recipient_id)
            .run();
        s.reset();
    }
    tx.commit();
}

void QueueStore::forget_if_finished(std::int64_t message_id) {
    std::lock_guard lock(mutex_);
    db_.prepare(
           "DELETE FROM messages WHERE id = ? AND NOT EXISTS "
           "(SELECT 1 FROM recipients WHERE message_id = ? AND state = 0)")
        .bind(1, message_id)
        .bind(2, message_id)
        .run();
}

std::vector<Message> QueueStore::list() {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "SELECT m.id, m.queue_id, m.sender, m.account, m.envid, m.flags, m.created, m.size "
        "FROM messages m ORDER BY m.id");
    return read_messages(s);
}

std::optional<Message> QueueStore::find(std::string_view queue_id) {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "SELECT m.id, m.queue_id, m.sender, m.account, m.envid, m.flags, m.created, m.size "
        "FROM messages m WHERE m.queue_id = ?");
    s.bind(1, queue_id);
    auto found = read_messages(s);
    if (found.empty()) {
        return std::nullopt;
    }
    return std::move(found.front());
}

int QueueStore::retry_now(std::string_view queue_id, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "UPDATE recipients SET next_attempt = ? WHERE state = 0 AND (? = '' OR message_id IN "
        "(SELECT id FROM messages WHERE queue_id = ?))");
    s.bind(1, now).bind(2, queue_id).bind(3, queue_id).run();
    return db_.changes();
}

bool QueueStore::remove(std::string_view queue_id) {
    std::lock_guard lock(mutex_);
    db_.prepare("DELETE FROM messages WHERE queue_id = ?").bind(1, queue_id).run();
    return db_.changes() > 0;
}

std::unique_ptr<QueueStore> open_queue_store(const Config& config, bool create) {
    const auto& dir = config.server.data_dir;
    auto key_file = config.server.key_file.empty() ? dir / "server.key" : config.server.key_file;
    crypto::SecretBytes server_key = crypto::load_server_key(key_file, create);
    crypto::SecretBytes queue_key = crypto::derive_subkey(server_key, 1, "outqueue");
    return std::make_unique<QueueStore>(dir / "queue.db", queue_key);
}

}  // namespace sealbox::queue

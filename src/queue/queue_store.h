#pragma once
// The outbound queue: messages on their way to other servers, kept until every recipient has a
// final answer. One SQLite database through the encrypting VFS under a key derived from the
// server key, so envelopes and contents are never on disk in the clear. enqueue() returns only
// once the message is durable: a submission gets its 250 after that (RFC 5321 §4.1.1.4).
// Thread-safe: every call takes the store's lock (calls come from the worker pool and the CLI).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "crypto/secret.h"
#include "store/sqlite.h"

namespace sealbox::queue {

enum class RecipientState { queued, delivered, failed };

// RFC 3461 §4.1: NOTIFY=NEVER or a combination of SUCCESS, FAILURE and DELAY.
struct Notify {
    bool success = false;
    bool failure = true;  // the default when the client gave no NOTIFY
    bool delay = false;
};

struct Recipient {
    std::int64_t id = 0;
    std::string address;  // the forward-path, as given to the next server
    std::string orcpt;    // RFC 3461 ORCPT as "type;address", or empty
    Notify notify;
    RecipientState state = RecipientState::queued;
    int attempts = 0;
    std::int64_t next_attempt = 0;  // unix seconds
    std::string last_reply;         // the last answer or local diagnosis, for DSNs and `queue show`
    std::string remote_host;        // who gave last_reply, if a server did
    bool delay_notified = false;    // a "delayed" DSN went out (RFC 3464 Action: delayed)
};

struct Envelope {
    std::string queue_id;  // the id in the Received: field and the logs
    std::string sender;    // the reverse-path; empty for <>
    std::string account;   // the authenticated account DSNs go to; empty: nobody (forwarded mail)
    std::string envid;     // RFC 3461 ENVID
    bool return_headers_only = false;  // RFC 3461 RET=HDRS
    bool eight_bit = false;            // RFC 6152 BODY=8BITMIME
    bool smtputf8 = false;             // RFC 6531
    bool requiretls = false;           // RFC 8689
};

struct Message {
    std::int64_t id = 0;
    Envelope envelope;
    std::int64_t created = 0;  // unix seconds
    std::int64_t size = 0;
    std::vector<Recipient> recipients;
};

struct RecipientUpdate {
    std::int64_t recipient_id = 0;
    RecipientState state = RecipientState::queued;
    std::int64_t next_attempt = 0;  // for queued
    std::string reply;
    std::string remote_host;
    bool counts_as_attempt = true;
    bool delay_notified = false;
};

class QueueStore {
  public:
    // `key` is the queue's 32-byte key (derived from the server key).
    QueueStore(const std::filesystem::path& path, const crypto::SecretBytes& key);

    // Durable when it returns. Recipients start due at `now`. Returns the message's row id.
    std::int64_t enqueue(const Envelope& envelope, const std::vector<Recipient>& recipients,
                         std::string_view content, std::int64_t now);

    // Messages that have a recipient due at `now`, oldest first, with every recipient (so the
    // caller sees which are final), without their content.
    std::vector<Message> due(std::int64_t now, std::size_t limit);
    // The earliest next_attempt of any queued recipient.
    std::optional<std::int64_t> next_due();
    std::string content(std::int64_t message_id);

    void update(const std::vector<RecipientUpdate>& updates);
    // Forgets a message once no recipient is queued any more.
    void forget_if_finished(std::int64_t message_id);

    // For `sealbox queue`.
    std::vector<Message> list();
    std::optional<Message> find(std::string_view queue_id);
    // Makes every queued recipient (of one message, or of all when empty) due now; returns how
    // many recipients were rescheduled.
    int retry_now(std::string_view queue_id, std::int64_t now);
    bool remove(std::string_view queue_id);

  private:
    // Reads the messages a SELECT of message columns returns, with their recipients.
    std::vector<Message> read_messages(store::Statement& statement);

    std::mutex mutex_;
    store::Database db_;
};

// The queue of a configured server: data_dir/queue.db under a subkey of the server key
// (server.key_file, or data_dir/server.key, created when `create` is true).
std::unique_ptr<QueueStore> open_queue_store(const Config& config, bool create);

}  // namespace sealbox::queue

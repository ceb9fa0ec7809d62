#pragma once
// What an IMAP session needs from the rest of the server, in IMAP's terms (RFC 9051 semantics)
// but free of the wire format and of SQLite. Every call blocks (SQLite, decryption, Argon2id):
// the session makes it through net::run_blocking on the worker pool. The session keeps the
// message sequence numbers of its selected mailbox; everything here is addressed by UID.
//
// Errors are sealbox::Error: not_found (no such mailbox or message), already_exists,
// invalid_argument (a name or flag the store cannot take), quota_exceeded, auth_failed,
// corrupt and io (the store itself failed).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/metadata.h"
#include "imap/proto/search_key.h"
#include "mime/message_summary.h"

namespace sealbox::imap {

using Uid = std::uint32_t;
using ModSeq = std::uint64_t;

// Mailbox names are UTF-8 with "/" as the hierarchy delimiter; "INBOX" is always spelled so.
inline constexpr char kHierarchyDelimiter = '/';

struct MailboxInfo {  // LIST (RFC 9051 §6.3.9)
    std::string name;
    std::string special_use;  // "\\Drafts", "\\Sent", "\\Junk", "\\Trash", "\\Archive" or empty
    bool subscribed = false;
};

struct MailboxStatus {  // STATUS (RFC 9051 §6.3.11) and SELECT's responses
    std::uint32_t messages = 0;
    std::uint32_t unseen = 0;
    std::uint32_t deleted = 0;
    std::uint64_t size = 0;  // RFC 8438 STATUS=SIZE
    Uid uid_next = 1;
    std::uint32_t uid_validity = 0;
    ModSeq highest_modseq = 0;  // RFC 7162
    std::string mailbox_id;     // RFC 8474 §4, stable across RENAME
};

struct MessageMeta {
    Uid uid = 0;
    ModSeq modseq = 0;
    // System flags as IMAP spells them ("\\Seen", "\\Answered", "\\Flagged", "\\Deleted",
    // "\\Draft") then keywords ("$Junk", "$Forwarded", ...), each once.
    std::vector<std::string> flags;
    std::int64_t internal_date = 0;  // Unix seconds
    std::uint64_t size = 0;          // RFC822.SIZE: octets of the stored message
    std::string email_id;            // RFC 8474 §5: the same for every copy of one message
    std::string thread_id;           // RFC 8474 §5
};

// What SELECT tells of a mailbox (RFC 9051 §6.3.2) beyond its status, without the metadata of
// each message that FETCH reads.
struct MailboxView {
    std::vector<Uid> uids;           // ascending
    std::vector<std::string> flags;  // every system flag and keyword some message has, each once
    std::optional<Uid> first_unseen;
};

// What changed in a mailbox after a MODSEQ (RFC 7162 §3.1.4.1, §3.2.5.1).
struct MailboxChanges {
    std::vector<MessageMeta> changed;  // new or re-flagged messages, by UID
    std::vector<Uid> expunged;         // by UID
    ModSeq highest_modseq = 0;
};

struct MessageContent {
    MessageMeta meta;
    mime::MessageSummary summary;
    std::string raw;  // empty unless asked for
};

enum class Content {  // in increasing cost: each includes the one before
    meta,             // MessageMeta only: no stored summary is read or decoded
    summary,          // meta and summary only
    header,           // plus the raw header (raw holds the root header, blank line included)
    full,             // plus the whole raw message
};

enum class FlagMode { replace, add, remove };  // RFC 9051 §6.4.6 FLAGS, +FLAGS, -FLAGS

struct StoreResult {
    std::vector<MessageMeta> updated;  // messages whose flags changed, with their new MODSEQ
    std::vector<Uid> modified;         // refused by UNCHANGEDSINCE (RFC 7162 §3.1.3)
};

struct CopyResult {  // COPYUID (RFC 4315 §3)
    std::uint32_t uid_validity = 0;
    std::vector<Uid> source;  // in the order copied
    std::vector<Uid> target;
};

struct NewMessage {  // one message of APPEND (RFC 9051 §6.3.12)
    std::string_view raw;
    std::span<const std::string> flags;
    std::optional<std::int64_t> internal_date;  // none: now
};

struct AppendResult {  // APPENDUID (RFC 4315 §3)
    std::uint32_t uid_validity = 0;
    std::vector<Uid> uids;  // one per message, in order
};

// What SETMETADATA may leave behind (RFC 5464 §4.3). Values are not counted in the quota, so
// max_total_bytes bounds them for the whole account.
struct MetadataLimits {
    std::size_t max_entries = 256;  // per mailbox, and for the server's ("")
    std::uint64_t max_total_bytes = 8 * 1024 * 1024;
};
enum class MetadataResult {
    done,
    too_many,   // a mailbox would hold more than max_entries; nothing changed
    too_large,  // the account's values would exceed max_total_bytes; nothing changed
};

struct Quota {  // RFC 9208 STORAGE, in octets; limit 0: none
    std::uint64_t used = 0;
    std::uint64_t limit = 0;
};

// Keeps a watch() callback registered for as long as it lives.
class Watch {
  public:
    virtual ~Watch() = default;
};

// One logged-in user. Shared by nothing: each session has its own, but they see one store.
class Account {
  public:
    virtual ~Account() = default;

    virtual const std::string& address() const = 0;

    // Mailboxes (RFC 9051 §6.3).
    virtual std::vector<MailboxInfo> list() = 0;
    virtual MailboxStatus status(std::string_view mailbox) = 0;
    // special_use: empty or one RFC 6154 attribute (CREATE-SPECIAL-USE, RFC 6154 §3).
    virtual void create(std::string_view mailbox, std::string_view special_use) = 0;
    virtual void remove(std::string_view mailbox) = 0;
    // RFC 9051 §6.3.6: children move along; renaming INBOX moves its messages, INBOX stays.
    virtual void rename(std::string_view from, std::string_view to) = 0;
    virtual void subscribe(std::string_view mailbox, bool subscribed) = 0;

    virtual MailboxView view(std::string_view mailbox) = 0;
    virtual MailboxChanges changes_since(std::string_view mailbox, ModSeq since) = 0;
    // The listed messages that still exist, in UID order.
    virtual std::vector<MessageContent> contents(std::string_view mailbox,
                                                 std::span<const Uid> uids, Content what) = 0;
    virtual StoreResult store(std::string_view mailbox, std::span<const Uid> uids, FlagMode mode,
                              std::span<const std::string> flags,
                              std::optional<ModSeq> unchanged_since) = 0;
    // Removes the messages flagged \Deleted (only those among `uids` when given: UID EXPUNGE,
    // RFC 4315 §2.1); returns their UIDs.
    virtual std::vector<Uid> expunge(std::string_view mailbox,
                                     std::optional<std::span<const Uid>> uids) = 0;
    // COPY, or MOVE (RFC 6851) when `move`. A move into or out of the \Junk mailbox is recorded
    // for the spam filter to learn from.
    virtual CopyResult copy(std::string_view mailbox, std::span<const Uid> uids,
                            std::string_view target, bool move) = 0;
    // All the messages or none (MULTIAPPEND, RFC 3502 §6).
    virtual AppendResult append(std::string_view mailbox, std::span<const NewMessage> messages) = 0;
    // RFC 9051 §6.4.4 with every key of RFC 3501 too. `criteria` is UID-based: the session has
    // turned message sequence numbers and "$" into UID sets already. BODY and TEXT go through
    // the full-text index. Returns matching UIDs in order.
    virtual std::vector<Uid> search(std::string_view mailbox, const SearchKey& criteria) = 0;

    virtual Quota quota() = 0;

    // RFC 5464 annotations of a mailbox, or of the server for mailbox "" (kept per account:
    // what the user sets is what only she sees), every one with its value, by name. Names are
    // lower case, "/private/..." or "/shared/...". A mailbox's are deleted with it and follow
    // it through RENAME (INBOX keeps its own: renaming it moves only the messages).
    // /private/specialuse is the mailbox's SPECIAL-USE attribute (RFC 6154 §4), not stored
    // with the others. not_found for a missing mailbox.
    virtual std::vector<MetadataEntry> metadata(std::string_view mailbox) = 0;
    // Sets the entries with a value and removes those without, all or none (RFC 5464 §4.3).
    // not_found for a missing mailbox; invalid_argument for /private/specialuse of a mailbox.
    virtual MetadataResult set_metadata(std::string_view mailbox,
                                        std::span<const MetadataEntry> entries,
                                        const MetadataLimits& limits) = 0;

    // `on_change` runs, on any thread, after anything in this account changed (a delivery, or
    // any session's APPEND, STORE, EXPUNGE, COPY, MOVE, CREATE, ...). It must only schedule
    // work; the session then asks changes_since() what changed.
    virtual std::unique_ptr<Watch> watch(std::function<void()> on_change) = 0;
};

class MailService {
  public:
    virtual ~MailService() = default;
    // Unlocks the account and merges its spool before returning. nullptr for a wrong user or
    // password (the same answer either way); throws sealbox::Error for anything else.
    virtual std::unique_ptr<Account> login(std::string_view user, std::string_view password) = 0;
    // Largest message APPEND accepts (RFC 7889 APPENDLIMIT).
    virtual std::uint64_t append_limit() const = 0;
};

}  // namespace sealbox::imap

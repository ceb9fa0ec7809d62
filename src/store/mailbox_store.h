#pragma once
// One account's encrypted mailbox database: folders, messages, flags, the message bytes and
// their full-text index. Only an unlocked account has one open. Not thread-safe: the owner
// serialises access. Methods that change more than one row run inside a Transaction the caller
// opens (so that several of them commit together).

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.h"
#include "store/sqlite.h"

namespace sealbox::mime {
struct MessageSummary;
struct SearchableText;
}  // namespace sealbox::mime

namespace sealbox::store {

// IMAP system flags (RFC 9051 §2.3.2) as bits; keywords are kept as text.
enum MessageFlag : std::uint32_t {
    kFlagSeen = 1,
    kFlagAnswered = 2,
    kFlagFlagged = 4,
    kFlagDeleted = 8,
    kFlagDraft = 16,
};

inline constexpr char kFolderDelimiter = '/';

struct FolderInfo {
    std::int64_t id = 0;  // never reused: RFC 8474 MAILBOXID is "F" followed by it
    std::string name;
    std::int64_t uidvalidity = 0;
    std::int64_t uidnext = 0;
    std::int64_t highestmodseq = 0;
    std::string special_use;  // e.g. "\\Sent" (RFC 6154), empty if none
    bool subscribed = false;
    std::int64_t messages = 0;
    std::int64_t bytes = 0;
    std::int64_t unseen = 0;
    std::int64_t deleted = 0;
};

struct MessageInfo {
    std::int64_t uid = 0;
    std::int64_t modseq = 0;
    std::uint32_t flags = 0;
    std::string keywords;  // space-separated, as first set (compared case-insensitively)
    std::int64_t internal_date = 0;
    std::int64_t size = 0;
    std::int64_t content_id = 0;  // shared by every copy: RFC 8474 EMAILID "M" + content_id
    std::int64_t thread_id = 0;   // RFC 8474 THREADID "T" + thread_id
};

struct MessageFlags {
    std::int64_t uid = 0;
    std::uint32_t flags = 0;
    std::string keywords;  // space-separated
};

struct NewMessage {
    std::string_view raw;
    std::span<const std::uint8_t> summary;  // serialized mime::MessageSummary
    std::int64_t internal_date = 0;
    std::uint32_t flags = 0;
    std::string_view keywords;  // space-separated
    // indexable_text(raw) when the caller has it already (one delivery to several accounts);
    // computed from `raw` otherwise.
    const mime::SearchableText* text = nullptr;
};

enum class FlagMode { replace, add, remove };  // RFC 9051 §6.4.6 FLAGS, +FLAGS, -FLAGS

struct UidSummary {
    std::int64_t uid = 0;
    std::vector<std::uint8_t> summary;  // serialized mime::MessageSummary
};

struct FlagChange {
    std::vector<MessageInfo> updated;    // changed, with their new MODSEQ
    std::vector<std::int64_t> modified;  // refused by UNCHANGEDSINCE (RFC 7162 §3.1.3)
};

struct FolderChanges {  // RFC 7162 §3.1.4.1, §3.2.5.1
    std::vector<MessageInfo> changed;
    std::vector<std::int64_t> expunged;
    std::int64_t highestmodseq = 0;
};

struct Removal {
    std::vector<std::int64_t> uids;
    std::int64_t bytes = 0;  // for the quota
};

struct Copy {  // RFC 4315 §3 COPYUID
    std::int64_t uidvalidity = 0;
    std::vector<std::int64_t> source;
    std::vector<std::int64_t> target;
    std::int64_t bytes = 0;  // of the copies, for the quota
};

enum class TextColumn { headers, body, both };

struct Annotation {  // RFC 5464 (IMAP METADATA): an entry's name and its value, any octets
    std::string name;
    std::string value;
};

// What the full-text index holds for a message: mime::searchable_text() with both fields in
// mime::fold_text() form, the form IMAP SEARCH compares in (imap/search/evaluate.h).
mime::SearchableText indexable_text(std::string_view raw);

class MailboxStore {
  public:
    enum class Access {
        read_write,  // creates the database with the default folders, upgrades its schema
        read_only,   // of a database a read_write store opened first; any change throws
    };
    // Opens the database at `path` under `key`.
    MailboxStore(const std::filesystem::path& path, const crypto::SecretBytes& key,
                 const std::string& label, Access access = Access::read_write);

    // Folders (RFC 9051 §6.3), by name; "/" separates levels.
    std::vector<FolderInfo> folders();
    std::optional<FolderInfo> folder(std::string_view name);
    // Creates the missing parents too (RFC 9051 §6.3.4). already_exists if the name is taken
    // (INBOX in any case); invalid_argument for a malformed name or an unknown special use.
    void create_folder(std::string_view name, std::string_view special_use = {});
    // Removes the folder and its messages; returns the messages' bytes. invalid_argument for
    // INBOX and for a folder with children (RFC 9051 §6.3.5 lets a server refuse).
    std::int64_t delete_folder(std::string_view name);
    // RFC 9051 §6.3.6: children move along; renaming INBOX moves its messages into a new
    // folder and leaves INBOX empty (its children stay).
    void rename_folder(std::string_view from, std::string_view to);
    void set_subscribed(std::string_view name, bool subscribed);

    // Appends to `folder` and returns the new UID; not_found if the folder does not exist.
    std::int64_t append(std::string_view folder, const NewMessage& message);
    std::vector<MessageInfo> messages(std::string_view folder);
    // Every message's UID and flags in UID order, and nothing else of its row: what opening a
    // mailbox needs, cheap enough for a mailbox of 100,000 messages.
    std::vector<MessageFlags> message_flags(std::string_view folder);
    // The listed messages that exist, in UID order.
    std::vector<MessageInfo> messages(std::string_view folder, std::span<const std::int64_t> uids);
    std::string read(std::string_view folder, std::int64_t uid);
    // `length` octets of a message from `offset` (fewer at its end), without reading the rest.
    std::string read_range(std::int64_t content_id, std::uint64_t offset, std::uint64_t length);
    // Removes these messages whatever their flags (POP3 DELE at QUIT; IMAP EXPUNGE picks the
    // \Deleted ones first); each removal gets its own MODSEQ in `expunged` (RFC 7162 §3.2.10).
    // Returns the UIDs that existed and are now gone. The caller runs it in a transaction.
    std::vector<std::int64_t> remove(std::string_view folder, std::span<const std::int64_t> uids);
    std::vector<std::uint8_t> summary(std::string_view folder, std::int64_t uid);
    // The summaries of the listed messages that exist, in UID order, read in one query.
    std::vector<UidSummary> summaries(std::string_view folder, std::span<const std::int64_t> uids);

    // STORE (RFC 9051 §6.4.6, RFC 7162 §3.1.3). Keywords compare case-insensitively. Only
    // messages whose flags change get a new MODSEQ.
    FlagChange store_flags(std::string_view folder, std::span<const std::int64_t> uids,
                           FlagMode mode, std::uint32_t flags,
                           std::span<const std::string> keywords,
                           std::optional<std::int64_t> unchanged_since);
    // EXPUNGE, or UID EXPUNGE when `only` is given (RFC 4315 §2.1): the \Deleted messages.
    Removal expunge(std::string_view folder, std::optional<std::span<const std::int64_t>> only);
    FolderChanges changes_since(std::string_view folder, std::int64_t since);
    // COPY, or MOVE (RFC 6851 §3.3) when `move`; new UIDs in source UID order. A copy or move
    // into or out of the \Junk folder is recorded in junk_training for the spam filter.
    Copy copy(std::string_view folder, std::span<const std::int64_t> uids, std::string_view target,
              bool move);

    // The full-text index (RFC 9051 §6.4.4 BODY/TEXT), rowid = content id, holding
    // indexable_text(). append() fills it; a content's row goes when its last message does.
    void index_text(std::int64_t content_id, std::string_view headers, std::string_view body);
    // UIDs in `folder` whose text contains `needle` exactly as imap::contains_text() decides
    // (both folded; TEXT: in the headers or in the body, not across them), in UID order.
    std::vector<std::int64_t> text_search(std::string_view folder, TextColumn column,
                                          std::string_view needle);

    // Bytes of all messages, for quota accounting.
    std::int64_t total_bytes();

    // RFC 5464 annotations of a folder, or of the account itself when `folder` is empty (IMAP's
    // server annotations), by name. A folder's go when it is deleted and stay with it through a
    // rename (it keeps its id). not_found for a missing folder.
    std::vector<Annotation> annotations(std::string_view folder);
    // Sets one, or removes it when `value` is nullopt; several go in the caller's transaction.
    void set_annotation(std::string_view folder, std::string_view name,
                        std::optional<std::string_view> value);
    std::int64_t annotation_count(std::string_view folder);
    std::int64_t annotation_bytes();  // of every value the account holds
    // A folder's RFC 6154 attribute ("" for none) without counting its messages as folder()
    // does; not_found for a missing folder.
    std::string special_use(std::string_view folder);

    // Spool merge bookkeeping: an entry's name is recorded in the same transaction as its
    // message, so a merge interrupted at any point neither loses nor duplicates it.
    bool spool_entry_merged(std::string_view name);
    void record_spool_entry(std::string_view name);
    void forget_spool_entries_except(const std::vector<std::string>& still_present);

    Database& database() { return db_; }

  private:
    std::int64_t folder_id(std::string_view name);
    std::int64_t next_uidvalidity();
    std::int64_t insert_folder(std::string_view name, std::string_view special_use);
    std::int64_t bump_modseq(std::int64_t folder_id);
    std::int64_t thread_for(const mime::MessageSummary& summary, std::int64_t content_id);
    void release_content(std::int64_t content_id);

    Database db_;
};

}  // namespace sealbox::store

#pragma once
// One account's encrypted mailbox database: folders, messages, flags, and the message bytes.
// Only an unlocked account has one open. Not thread-safe: the owner serialises access.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.h"
#include "store/sqlite.h"

namespace sealbox::store {

// IMAP system flags (RFC 9051 §2.3.2) as bits; keywords are kept as text.
enum MessageFlag : std::uint32_t {
    kFlagSeen = 1,
    kFlagAnswered = 2,
    kFlagFlagged = 4,
    kFlagDeleted = 8,
    kFlagDraft = 16,
};

struct FolderInfo {
    std::int64_t id = 0;
    std::string name;
    std::int64_t uidvalidity = 0;
    std::int64_t uidnext = 0;
    std::int64_t highestmodseq = 0;
    std::string special_use;  // e.g. "\\Sent" (RFC 6154), empty if none
    bool subscribed = false;
    std::int64_t messages = 0;
    std::int64_t bytes = 0;
};

struct MessageInfo {
    std::int64_t uid = 0;
    std::int64_t modseq = 0;
    std::uint32_t flags = 0;
    std::string keywords;  // space-separated
    std::int64_t internal_date = 0;
    std::int64_t size = 0;
};

struct NewMessage {
    std::string_view raw;
    std::span<const std::uint8_t> summary;  // serialized mime::MessageSummary
    std::int64_t internal_date = 0;
    std::uint32_t flags = 0;
};

class MailboxStore {
  public:
    // Opens (creating with the default folders) the database at `path` under `key`.
    MailboxStore(const std::filesystem::path& path, const crypto::SecretBytes& key,
                 const std::string& label);

    std::vector<FolderInfo> folders();
    std::optional<FolderInfo> folder(std::string_view name);

    // Appends to `folder` and returns the new UID; not_found if the folder does not exist.
    std::int64_t append(std::string_view folder, const NewMessage& message);
    std::vector<MessageInfo> messages(std::string_view folder);
    std::string read(std::string_view folder, std::int64_t uid);
    // Removes these messages whatever their flags (POP3 DELE at QUIT; IMAP EXPUNGE picks the
    // \Deleted ones first); each removal gets its own MODSEQ in `expunged` (RFC 7162 §3.2.10).
    // Returns the UIDs that existed and are now gone. The caller runs it in a transaction.
    std::vector<std::int64_t> remove(std::string_view folder, std::span<const std::int64_t> uids);
    std::vector<std::uint8_t> summary(std::string_view folder, std::int64_t uid);

    // Bytes of all messages, for quota accounting.
    std::int64_t total_bytes();

    // Spool merge bookkeeping: an entry's name is recorded in the same transaction as its
    // message, so a merge interrupted at any point neither loses nor duplicates it.
    bool spool_entry_merged(std::string_view name);
    void record_spool_entry(std::string_view name);
    void forget_spool_entries_except(const std::vector<std::string>& still_present);

    Database& database() { return db_; }

  private:
    std::int64_t folder_id(std::string_view name);

    Database db_;
};

}  // namespace sealbox::store

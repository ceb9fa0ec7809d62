#pragma once
// The store service every protocol calls: accounts and their keys, unlocking, and delivery.
// Blocking (SQLite, Argon2id, fsync): callers on an I/O thread run it on the worker pool.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/group_sync.h"
#include "crypto/account_keys.h"
#include "store/directory.h"
#include "store/mailbox_store.h"
#include "store/spool.h"

namespace sealbox::store {

struct StoreOptions {
    std::filesystem::path data_dir;
    crypto::PasswordHashParams password_params;
    std::int64_t default_quota_bytes = 0;  // 0 = unlimited
    std::int64_t max_message_bytes = 50 << 20;
    std::chrono::seconds unlock_idle{15 * 60};
};

// An unlocked account: its keys and its open mailbox database, shared by all its sessions.
class UnlockedAccount {
  public:
    // Opens another connection to the account's database, under the key it is given.
    using ReaderFactory = std::function<std::unique_ptr<MailboxStore>(const crypto::SecretBytes&)>;

    UnlockedAccount(Account account, crypto::UnlockedKeys keys, std::unique_ptr<MailboxStore> store,
                    ReaderFactory open_reader)
        : account_(std::move(account)),
          keys_(std::move(keys)),
          store_(std::move(store)),
          open_reader_(std::move(open_reader)) {}

    const Account& account() const { return account_; }
    const crypto::UnlockedKeys& keys() const { return keys_; }

    // Runs `fn(MailboxStore&)` with exclusive access to the database.
    template <typename Fn>
    auto with_store(Fn&& fn) {
        std::lock_guard lock(mutex_);
        return fn(*store_);
    }

    // Runs `fn(MailboxStore&)`, which only queries, on a read-only connection of its own, in one
    // snapshot: it neither waits for with_store() nor holds it up, so one session's SELECT of a
    // large mailbox does not stall another's FETCH. Connections are opened as needed (at most
    // one per worker thread calling at once) and kept for the next caller.
    template <typename Fn>
    auto with_reader(Fn&& fn) {
        Reader reader(*this);
        ReadSnapshot snapshot(reader.store().database());
        return fn(reader.store());
    }

    // Change notification, for IMAP IDLE and NOTIFY: `on_change` runs after every committed
    // change to this mailbox, on the thread that made it, until remove_watcher(id). It must only
    // schedule work (it runs under a lock that remove_watcher() also takes, so that it never
    // runs after remove_watcher() returns).
    std::uint64_t add_watcher(std::function<void()> on_change);
    void remove_watcher(std::uint64_t id);
    void notify();

  private:
    class Reader {
      public:
        explicit Reader(UnlockedAccount& account);
        Reader(const Reader&) = delete;
        ~Reader();
        MailboxStore& store() { return *store_; }

      private:
        UnlockedAccount& account_;
        std::unique_ptr<MailboxStore> store_;
    };

    Account account_;
    crypto::UnlockedKeys keys_;
    std::mutex mutex_;
    std::unique_ptr<MailboxStore> store_;
    ReaderFactory open_reader_;
    std::mutex readers_mutex_;
    std::vector<std::unique_ptr<MailboxStore>> idle_readers_;
    std::mutex watchers_mutex_;
    std::uint64_t next_watcher_ = 1;
    std::map<std::uint64_t, std::function<void()>> watchers_;
};

// Held by a protocol session for as long as it is logged in; keeps the account unlocked.
class AccountSession;

struct RecipientResolution {
    std::vector<std::string> accounts;  // local accounts, deduplicated
    std::vector<std::string> external;  // forwarding targets outside our domains
};

struct DeliveryResult {
    std::string account;
    bool delivered = false;
    std::optional<ErrorCode> error;
    std::string message;  // for the protocol's reply; never contains message content
};

struct AppendRequest {  // one message of an IMAP APPEND
    std::string_view raw;
    std::uint32_t flags = 0;  // MessageFlag bits
    std::string keywords;     // space-separated
    std::int64_t internal_date = 0;
};

class MailStore {
  public:
    MailStore(std::unique_ptr<Directory> directory, StoreOptions options);
    ~MailStore();

    Directory& directory() { return *directory_; }
    const StoreOptions& options() const { return options_; }

    // Accounts. Addresses are validated and normalised here.
    Domain add_domain(std::string_view name);
    void remove_domain(std::string_view name);
    // Returns the recovery key, which nothing stores.
    std::string create_account(std::string_view address, std::string_view password,
                               std::optional<std::int64_t> quota_bytes = std::nullopt);
    void change_password(std::string_view address, std::string_view old_password,
                         std::string_view new_password);
    void recover_account(std::string_view address, std::string_view recovery_key,
                         std::string_view new_password);
    // For an administrator without the password or recovery key: new keys, a new empty mailbox,
    // and the old mail destroyed (it could never be read again). Returns the new recovery key.
    std::string reset_account(std::string_view address, std::string_view new_password);
    void remove_account(std::string_view address);
    void add_alias(std::string_view source, std::string_view target);
    void remove_alias(std::string_view source, std::string_view target);

    // Resolves aliases, catch-alls and plus-addressing (user+tag@domain). not_found if the
    // domain is ours and nobody receives the address; invalid_argument if the domain is not ours.
    RecipientResolution resolve(std::string_view address);

    // Checks the password (same time whether or not the account exists; auth_failed either way),
    // unlocks the keys and merges the spool before returning.
    std::shared_ptr<AccountSession> login(std::string_view address, std::string_view password);

    // Delivers one copy to each distinct account in `accounts` (account addresses, as resolve()
    // returns them) into `folder`. Returns once every delivered copy is durable.
    std::vector<DeliveryResult> deliver(std::string_view raw,
                                        const std::vector<std::string>& accounts,
                                        std::string_view folder = "INBOX");

    // IMAP APPEND (RFC 9051 §6.3.12) into an unlocked account: the quota is checked as for a
    // delivery (quota_exceeded), the messages indexed, and watchers told. All of them are added
    // or none (MULTIAPPEND, RFC 3502 §6). Returns the new UIDs in order.
    std::vector<std::int64_t> append(AccountSession& session, std::string_view folder,
                                     std::span<const AppendRequest> requests);

    // Closes accounts whose last session ended more than unlock_idle ago; returns how many.
    std::size_t close_idle(std::chrono::steady_clock::time_point now);
    std::size_t unlocked_count();

    std::filesystem::path account_dir(const Account& account) const;
    std::filesystem::path mailbox_path(const Account& account) const;

  private:
    friend class AccountSession;
    struct Entry {
        std::shared_ptr<UnlockedAccount> account;
        int sessions = 0;
        std::chrono::steady_clock::time_point idle_since;
    };

    Account require_account(std::string_view address);
    std::string normalized_address(std::string_view address) const;
    std::shared_ptr<UnlockedAccount> unlocked(const std::string& key_id);
    std::shared_ptr<UnlockedAccount> open_unlocked(const Account& account,
                                                   crypto::UnlockedKeys keys);
    void merge_spool(UnlockedAccount& account);
    void release(const std::string& key_id);
    struct PreparedMessage;
    DeliveryResult deliver_one(const Account& account, PreparedMessage& message,
                               std::string_view folder,
                               std::vector<std::shared_ptr<UnlockedAccount>>& touched);
    void resolve_into(const std::string& key, int depth, RecipientResolution& out);

    std::unique_ptr<Directory> directory_;
    StoreOptions options_;
    GroupSync durability_;  // on options_.data_dir: spool files, mailbox WALs, sealbox.db
    std::mutex mutex_;
    std::mutex opening_mutex_;  // held while an account's mailbox is first opened
    std::map<std::string, Entry> unlocked_;
};

class AccountSession {
  public:
    AccountSession(MailStore& store, std::shared_ptr<UnlockedAccount> account)
        : store_(store), account_(std::move(account)) {}
    AccountSession(const AccountSession&) = delete;
    ~AccountSession();

    UnlockedAccount& account() { return *account_; }
    // Merges spool entries that arrived from other processes since login.
    void refresh();

  private:
    MailStore& store_;
    std::shared_ptr<UnlockedAccount> account_;
};

}  // namespace sealbox::store

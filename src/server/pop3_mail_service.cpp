#include "server/pop3_mail_service.h"

#include <fmt/format.h>

#include <mutex>
#include <set>

#include "core/error.h"
#include "store/sqlite.h"

namespace sealbox::server {

namespace {

constexpr std::string_view kInbox = "INBOX";

}  // namespace

// RFC 1939 §8: one POP3 session at a time holds an account's maildrop. Held in memory: a lock
// cannot outlive the process that holds it.
class MaildropLocks {
  public:
    bool try_lock(const std::string& key) {
        std::lock_guard lock(mutex_);
        return held_.insert(key).second;
    }
    void unlock(const std::string& key) {
        std::lock_guard lock(mutex_);
        held_.erase(key);
    }

  private:
    std::mutex mutex_;
    std::set<std::string> held_;
};

namespace {

class StoreMaildrop : public pop3::Maildrop {
  public:
    StoreMaildrop(store::MailStore& store, std::shared_ptr<store::AccountSession> session,
                  std::shared_ptr<MaildropLocks> locks)
        : store_(store), session_(std::move(session)), locks_(std::move(locks)) {
        const auto& account = session_->account().account();
        key_ = account.key_id;
        session_->account().with_reader([&](store::MailboxStore& s) {
            // RFC 1939 §7 UIDL: the INBOX's UIDVALIDITY and the message's UID name it for as
            // long as it exists, across sessions and restarts; a mailbox made anew (account
            // reset) gets a new UIDVALIDITY, so no old identifier names a new message.
            auto inbox = s.folder(kInbox);
            if (!inbox) {
                throw Error(ErrorCode::not_found, "account " + account.address + " has no INBOX");
            }
            for (const auto& m : s.messages(kInbox)) {
                uids_.push_back(m.uid);
                entries_.push_back({fmt::format("{}.{}", inbox->uidvalidity, m.uid),
                                    static_cast<std::uint64_t>(m.size)});
            }
        });
    }
    ~StoreMaildrop() override { locks_->unlock(key_); }

    const std::vector<pop3::MaildropEntry>& entries() const override { return entries_; }

    std::string retrieve(std::size_t index) override {
        return session_->account().with_reader(
            [&](store::MailboxStore& s) { return s.read(kInbox, uids_.at(index)); });
    }

    void remove(const std::vector<std::size_t>& indexes) override {
        std::vector<std::int64_t> uids;
        for (std::size_t i : indexes) {
            uids.push_back(uids_.at(i));
        }
        auto& account = session_->account();
        std::int64_t usage = account.with_store([&](store::MailboxStore& s) {
            store::Transaction tx(s.database());
            s.remove(kInbox, uids);
            tx.commit();
            return s.total_bytes();
        });
        // The quota frees what the mailbox no longer holds.
        store_.directory().set_usage(account.account().id, usage);
        account.notify();  // IMAP sessions on INBOX see the messages go
    }

  private:
    store::MailStore& store_;
    std::shared_ptr<store::AccountSession> session_;
    std::shared_ptr<MaildropLocks> locks_;
    std::string key_;
    std::vector<std::int64_t> uids_;
    std::vector<pop3::MaildropEntry> entries_;
};

}  // namespace

StoreMaildropService::StoreMaildropService(store::MailStore& store)
    : store_(store), locks_(std::make_shared<MaildropLocks>()) {}

StoreMaildropService::~StoreMaildropService() = default;

pop3::Login StoreMaildropService::login(std::string_view user, std::string_view password) {
    pop3::Login login;
    std::shared_ptr<store::AccountSession> session;
    try {
        session = store_.login(user, password);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::auth_failed) {
            login.status = pop3::Login::Status::bad_credentials;
            return login;
        }
        throw;
    }
    login.account = session->account().account().address;
    const std::string key = session->account().account().key_id;
    if (!locks_->try_lock(key)) {
        login.status = pop3::Login::Status::in_use;
        return login;
    }
    try {
        login.maildrop = std::make_unique<StoreMaildrop>(store_, std::move(session), locks_);
    } catch (...) {
        locks_->unlock(key);
        throw;
    }
    login.status = pop3::Login::Status::ok;
    return login;
}

}  // namespace sealbox::server

#pragma once
// imap::Account over one unlocked account of the store (see imap/service.h for the contract).

#include <memory>

#include "imap/service.h"
#include "store/mail_store.h"

namespace sealbox::server {

class StoreImapAccount : public imap::Account {
  public:
    StoreImapAccount(store::MailStore& store, std::shared_ptr<store::AccountSession> session)
        : store_(store), session_(std::move(session)) {}

    const std::string& address() const override;

    std::vector<imap::MailboxInfo> list() override;
    imap::MailboxStatus status(std::string_view mailbox) override;
    void create(std::string_view mailbox, std::string_view special_use) override;
    void remove(std::string_view mailbox) override;
    void rename(std::string_view from, std::string_view to) override;
    void subscribe(std::string_view mailbox, bool subscribed) override;

    imap::MailboxView view(std::string_view mailbox) override;
    imap::MailboxChanges changes_since(std::string_view mailbox, imap::ModSeq since) override;
    std::vector<imap::MessageContent> contents(std::string_view mailbox,
                                               std::span<const imap::Uid> uids,
                                               imap::Content what) override;
    imap::StoreResult store(std::string_view mailbox, std::span<const imap::Uid> uids,
                            imap::FlagMode mode, std::span<const std::string> flags,
                            std::optional<imap::ModSeq> unchanged_since) override;
    std::vector<imap::Uid> expunge(std::string_view mailbox,
                                   std::optional<std::span<const imap::Uid>> uids) override;
    imap::CopyResult copy(std::string_view mailbox, std::span<const imap::Uid> uids,
                          std::string_view target, bool move) override;
    imap::AppendResult append(std::string_view mailbox,
                              std::span<const imap::NewMessage> messages) override;
    std::vector<imap::Uid> search(std::string_view mailbox,
                                  const imap::SearchKey& criteria) override;
    imap::Quota quota() override;
    std::vector<imap::MetadataEntry> metadata(std::string_view mailbox) override;
    imap::MetadataResult set_metadata(std::string_view mailbox,
                                      std::span<const imap::MetadataEntry> entries,
                                      const imap::MetadataLimits& limits) override;
    std::unique_ptr<imap::Watch> watch(std::function<void()> on_change) override;

  private:
    store::UnlockedAccount& account() { return session_->account(); }
    // Runs `fn(MailboxStore&)` in one transaction; the caller notifies watchers if it changed
    // anything.
    template <typename Fn>
    auto mutate(Fn&& fn) {
        return account().with_store([&](store::MailboxStore& s) {
            store::Transaction tx(s.database());
            auto result = fn(s);
            tx.commit();
            return result;
        });
    }

    store::MailStore& store_;
    std::shared_ptr<store::AccountSession> session_;
};

// The store's message row as IMAP sees it (RFC 8474 §5 EMAILID "M…", THREADID "T…").
imap::MessageMeta to_meta(const store::MessageInfo& info);
std::vector<std::int64_t> to_store_uids(std::span<const imap::Uid> uids);

}  // namespace sealbox::server

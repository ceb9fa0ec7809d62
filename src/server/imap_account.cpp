#include "server/imap_account.h"

#include <ctime>
#include <set>

#include "mime/message_summary.h"
#include "server/imap_flags.h"
#include "server/imap_mail_service.h"

namespace sealbox::server {
namespace {

std::vector<imap::Uid> to_imap_uids(const std::vector<std::int64_t>& uids) {
    return {uids.begin(), uids.end()};
}

store::FlagMode to_store_mode(imap::FlagMode mode) {
    switch (mode) {
        case imap::FlagMode::add:
            return store::FlagMode::add;
        case imap::FlagMode::remove:
            return store::FlagMode::remove;
        default:
            return store::FlagMode::replace;
    }
}

// Keeps a watcher registered; holding the session keeps the account unlocked meanwhile.
class AccountWatch : public imap::Watch {
  public:
    AccountWatch(std::shared_ptr<store::AccountSession> session, std::uint64_t id)
        : session_(std::move(session)), id_(id) {}
    ~AccountWatch() override { session_->account().remove_watcher(id_); }

  private:
    std::shared_ptr<store::AccountSession> session_;
    std::uint64_t id_;
};

}  // namespace

imap::MessageMeta to_meta(const store::MessageInfo& info) {
    imap::MessageMeta meta;
    meta.uid = static_cast<imap::Uid>(info.uid);
    meta.modseq = static_cast<imap::ModSeq>(info.modseq);
    meta.flags = flag_names(info.flags, info.keywords);
    meta.internal_date = info.internal_date;
    meta.size = static_cast<std::uint64_t>(info.size);
    meta.email_id = "M" + std::to_string(info.content_id);
    meta.thread_id = "T" + std::to_string(info.thread_id);
    return meta;
}

std::vector<std::int64_t> to_store_uids(std::span<const imap::Uid> uids) {
    return {uids.begin(), uids.end()};
}

std::unique_ptr<imap::Account> StoreImapService::login(std::string_view user,
                                                       std::string_view password) {
    try {
        return std::make_unique<StoreImapAccount>(store_, store_.login(user, password));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::auth_failed) {
            return nullptr;
        }
        throw;
    }
}

std::uint64_t StoreImapService::append_limit() const {
    return static_cast<std::uint64_t>(store_.options().max_message_bytes);
}

const std::string& StoreImapAccount::address() const {
    return session_->account().account().address;
}

std::vector<imap::MailboxInfo> StoreImapAccount::list() {
    std::vector<imap::MailboxInfo> out;
    for (auto& f : account().with_reader([](store::MailboxStore& s) { return s.folders(); })) {
        out.push_back({std::move(f.name), std::move(f.special_use), f.subscribed});
    }
    return out;
}

imap::MailboxStatus StoreImapAccount::status(std::string_view mailbox) {
    auto f = account().with_reader([&](store::MailboxStore& s) { return s.folder(mailbox); });
    if (!f) {
        throw Error(ErrorCode::not_found, "no such mailbox");
    }
    imap::MailboxStatus status;
    status.messages = static_cast<std::uint32_t>(f->messages);
    status.unseen = static_cast<std::uint32_t>(f->unseen);
    status.deleted = static_cast<std::uint32_t>(f->deleted);
    status.size = static_cast<std::uint64_t>(f->bytes);
    status.uid_next = static_cast<imap::Uid>(f->uidnext);
    status.uid_validity = static_cast<std::uint32_t>(f->uidvalidity);
    status.highest_modseq = static_cast<imap::ModSeq>(f->highestmodseq);
    status.mailbox_id = "F" + std::to_string(f->id);  // RFC 8474 §4
    return status;
}

void StoreImapAccount::create(std::string_view mailbox, std::string_view special_use) {
    mutate([&](store::MailboxStore& s) {
        s.create_folder(mailbox, special_use);
        return true;
    });
    account().notify();
}

void StoreImapAccount::remove(std::string_view mailbox) {
    auto bytes = mutate([&](store::MailboxStore& s) { return s.delete_folder(mailbox); });
    store_.directory().release_quota(account().account().id, bytes);
    account().notify();
}

void StoreImapAccount::rename(std::string_view from, std::string_view to) {
    mutate([&](store::MailboxStore& s) {
        s.rename_folder(from, to);
        return true;
    });
    account().notify();
}

void StoreImapAccount::subscribe(std::string_view mailbox, bool subscribed) {
    mutate([&](store::MailboxStore& s) {
        s.set_subscribed(mailbox, subscribed);
        return true;
    });
    account().notify();  // NOTIFY's SubscriptionChange (RFC 5465 §5.5)
}

imap::MailboxView StoreImapAccount::view(std::string_view mailbox) {
    auto rows =
        account().with_reader([&](store::MailboxStore& s) { return s.message_flags(mailbox); });
    imap::MailboxView view;
    view.uids.reserve(rows.size());
    std::uint32_t system_flags = 0;
    std::set<std::string, std::less<>> keywords;  // most mailboxes have none or a few
    for (const auto& row : rows) {
        view.uids.push_back(static_cast<imap::Uid>(row.uid));
        system_flags |= row.flags;
        if (!view.first_unseen && !(row.flags & store::kFlagSeen)) {
            view.first_unseen = static_cast<imap::Uid>(row.uid);
        }
        if (!row.keywords.empty()) {
            for (auto& keyword : flag_names(0, row.keywords)) {
                keywords.insert(std::move(keyword));
            }
        }
    }
    view.flags = flag_names(system_flags, "");
    view.flags.insert(view.flags.end(), keywords.begin(), keywords.end());
    return view;
}

imap::MailboxChanges StoreImapAccount::changes_since(std::string_view mailbox, imap::ModSeq since) {
    auto changes = account().with_reader([&](store::MailboxStore& s) {
        return s.changes_since(mailbox, static_cast<std::int64_t>(since));
    });
    imap::MailboxChanges out;
    for (const auto& m : changes.changed) {
        out.changed.push_back(to_meta(m));
    }
    out.expunged = to_imap_uids(changes.expunged);
    out.highest_modseq = static_cast<imap::ModSeq>(changes.highestmodseq);
    return out;
}

std::vector<imap::MessageContent> StoreImapAccount::contents(std::string_view mailbox,
                                                             std::span<const imap::Uid> uids,
                                                             imap::Content what) {
    return account().with_reader([&](store::MailboxStore& s) {
        std::vector<imap::MessageContent> out;
        const std::vector<std::int64_t> wanted = to_store_uids(uids);
        std::vector<store::UidSummary> summaries;
        if (what != imap::Content::meta) {
            summaries = s.summaries(mailbox, wanted);
        }
        // Both lists are in UID order and of one snapshot, so the same set.
        auto summary = summaries.begin();
        for (const auto& m : s.messages(mailbox, wanted)) {
            imap::MessageContent content;
            content.meta = to_meta(m);
            if (what == imap::Content::meta) {
                out.push_back(std::move(content));
                continue;
            }
            while (summary != summaries.end() && summary->uid < m.uid) {
                ++summary;
            }
            content.summary = summary != summaries.end() && summary->uid == m.uid
                                  ? mime::deserialize(summary->summary)
                                  : mime::deserialize(s.summary(mailbox, m.uid));
            if (what == imap::Content::full) {
                content.raw = s.read(mailbox, m.uid);
            } else if (what == imap::Content::header) {
                // Only the pages that hold the header are read and decrypted.
                content.raw = s.read_range(m.content_id, 0, content.summary.root.header_size);
            }
            out.push_back(std::move(content));
        }
        return out;
    });
}

imap::StoreResult StoreImapAccount::store(std::string_view mailbox, std::span<const imap::Uid> uids,
                                          imap::FlagMode mode, std::span<const std::string> flags,
                                          std::optional<imap::ModSeq> unchanged_since) {
    StoreFlags parsed = parse_flags(flags);
    std::optional<std::int64_t> since;
    if (unchanged_since) {
        since = static_cast<std::int64_t>(*unchanged_since);
    }
    auto change = mutate([&](store::MailboxStore& s) {
        return s.store_flags(mailbox, to_store_uids(uids), to_store_mode(mode), parsed.bits,
                             parsed.keywords, since);
    });
    if (!change.updated.empty()) {
        account().notify();
    }
    imap::StoreResult out;
    for (const auto& m : change.updated) {
        out.updated.push_back(to_meta(m));
    }
    out.modified = to_imap_uids(change.modified);
    return out;
}

std::vector<imap::Uid> StoreImapAccount::expunge(std::string_view mailbox,
                                                 std::optional<std::span<const imap::Uid>> uids) {
    std::optional<std::vector<std::int64_t>> only;
    if (uids) {
        only = to_store_uids(*uids);
    }
    auto removal = mutate([&](store::MailboxStore& s) {
        return only ? s.expunge(mailbox, std::span<const std::int64_t>(*only))
                    : s.expunge(mailbox, std::nullopt);
    });
    if (!removal.uids.empty()) {
        store_.directory().release_quota(account().account().id, removal.bytes);
        account().notify();
    }
    return to_imap_uids(removal.uids);
}

imap::CopyResult StoreImapAccount::copy(std::string_view mailbox, std::span<const imap::Uid> uids,
                                        std::string_view target, bool move) {
    const std::int64_t account_id = account().account().id;
    auto copied = account().with_store([&](store::MailboxStore& s) {
        std::int64_t bytes = 0;
        if (!move) {
            // RFC 9208 §4.3: copies count against the quota like any message.
            for (const auto& m : s.messages(mailbox, to_store_uids(uids))) {
                bytes += m.size;
            }
            if (!store_.directory().reserve_quota(account_id, bytes)) {
                throw Error(ErrorCode::quota_exceeded, "mailbox is full");
            }
        }
        try {
            store::Transaction tx(s.database());
            auto result = s.copy(mailbox, to_store_uids(uids), target, move);
            tx.commit();
            return result;
        } catch (...) {
            store_.directory().release_quota(account_id, bytes);
            throw;
        }
    });
    if (!copied.source.empty()) {
        account().notify();
    }
    imap::CopyResult out;
    out.uid_validity = static_cast<std::uint32_t>(copied.uidvalidity);
    out.source = to_imap_uids(copied.source);
    out.target = to_imap_uids(copied.target);
    return out;
}

imap::AppendResult StoreImapAccount::append(std::string_view mailbox,
                                            std::span<const imap::NewMessage> messages) {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    std::vector<store::AppendRequest> requests;
    for (const imap::NewMessage& message : messages) {
        StoreFlags parsed = parse_flags(message.flags);
        requests.push_back({message.raw, parsed.bits, join_keywords(parsed.keywords),
                            message.internal_date.value_or(now)});
    }
    imap::AppendResult out;
    for (std::int64_t uid : store_.append(*session_, mailbox, requests)) {
        out.uids.push_back(static_cast<imap::Uid>(uid));
    }
    out.uid_validity = status(mailbox).uid_validity;
    return out;
}

imap::Quota StoreImapAccount::quota() {
    // The directory's row, not the copy taken at login: an administrator may have changed it.
    auto current = store_.directory().find_account(address());
    if (!current) {
        throw Error(ErrorCode::not_found, "account no longer exists");
    }
    return {static_cast<std::uint64_t>(current->used_bytes),
            static_cast<std::uint64_t>(current->quota_bytes)};
}

std::unique_ptr<imap::Watch> StoreImapAccount::watch(std::function<void()> on_change) {
    return std::make_unique<AccountWatch>(session_, account().add_watcher(std::move(on_change)));
}

}  // namespace sealbox::server

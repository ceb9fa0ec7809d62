#pragma once
// An in-memory imap::MailService for session tests: mailboxes of messages with UIDs and
// MODSEQs shared by every login of alice@example.test (password "alice-pw"), so two sessions,
// or the test itself through deliver(), see each other's changes as the real store's would.

#include <algorithm>
#include <map>
#include <mutex>

#include "core/error.h"
#include "imap/search/evaluate.h"
#include "imap/service.h"

namespace sealbox::imap::test {

struct FakeMessage {
    MessageMeta meta;
    std::string raw;
};

struct FakeMailbox {
    MailboxInfo info;
    std::uint32_t uid_validity = 1000;
    std::uint32_t id = 1000;  // MAILBOXID "F<id>": unique, kept by RENAME (RFC 8474 §4)
    Uid uid_next = 1;
    std::vector<FakeMessage> messages;
    std::vector<std::pair<Uid, ModSeq>> expunged;
    std::map<std::string, std::string> metadata;  // RFC 5464, by entry name
};

class FakeStore {
  public:
    FakeStore() {
        mailboxes_["INBOX"].info = {"INBOX", "", true};
        mailboxes_["Trash"].info = {"Trash", "\\Trash", true};
        mailboxes_["Trash"].id = 1001;
    }

    // A delivery from outside any session; watchers hear of it.
    Uid deliver(const std::string& mailbox, const std::string& raw,
                std::vector<std::string> flags = {}) {
        Uid uid;
        {
            std::lock_guard lock(mutex_);
            uid = add(box(mailbox), raw, std::move(flags), 1700000000);
        }
        notify();
        return uid;
    }
    // Another client's STORE or EXPUNGE.
    void set_flags(const std::string& mailbox, Uid uid, std::vector<std::string> flags) {
        {
            std::lock_guard lock(mutex_);
            for (auto& m : box(mailbox).messages) {
                if (m.meta.uid == uid) {
                    m.meta.flags = std::move(flags);
                    m.meta.modseq = ++modseq_;
                }
            }
        }
        notify();
    }
    void expunge_now(const std::string& mailbox, Uid uid) {
        {
            std::lock_guard lock(mutex_);
            auto& b = box(mailbox);
            std::erase_if(b.messages, [&](const FakeMessage& m) { return m.meta.uid == uid; });
            b.expunged.emplace_back(uid, ++modseq_);
        }
        notify();
    }
    std::vector<MessageMeta> metas(const std::string& mailbox) {
        std::lock_guard lock(mutex_);
        std::vector<MessageMeta> out;
        for (auto& m : box(mailbox).messages) {
            out.push_back(m.meta);
        }
        return out;
    }
    bool exists(const std::string& mailbox) {
        std::lock_guard lock(mutex_);
        return mailboxes_.contains(mailbox);
    }

    std::mutex mutex_;
    std::map<std::string, FakeMailbox> mailboxes_;
    ModSeq modseq_ = 10;
    std::map<int, std::function<void()>> watchers_;
    int next_watch_ = 0;
    std::uint32_t next_mailbox_id_ = 3000;
    std::map<std::string, std::string> server_metadata_;  // mailbox "" (RFC 5464)

    FakeMailbox& box(std::string_view name) {
        auto it = mailboxes_.find(std::string(name));
        if (it == mailboxes_.end()) {
            throw Error(ErrorCode::not_found, "no such mailbox");
        }
        return it->second;
    }
    Uid add(FakeMailbox& b, const std::string& raw, std::vector<std::string> flags,
            std::int64_t date) {
        FakeMessage m;
        m.meta.uid = b.uid_next++;
        m.meta.modseq = ++modseq_;
        m.meta.flags = std::move(flags);
        m.meta.internal_date = date;
        m.meta.size = raw.size();
        m.meta.email_id = "M" + std::to_string(m.meta.uid);
        m.raw = raw;
        b.messages.push_back(std::move(m));
        return b.messages.back().meta.uid;
    }
    void notify() {
        std::vector<std::function<void()>> callbacks;
        {
            std::lock_guard lock(mutex_);
            for (auto& [id, callback] : watchers_) {
                callbacks.push_back(callback);
            }
        }
        for (auto& callback : callbacks) {
            callback();
        }
    }
};

class FakeAccount : public Account {
  public:
    explicit FakeAccount(FakeStore& store) : s_(store) {}

    const std::string& address() const override { return address_; }

    std::vector<MailboxInfo> list() override {
        std::lock_guard lock(s_.mutex_);
        std::vector<MailboxInfo> out;
        for (auto& [name, b] : s_.mailboxes_) {
            out.push_back(b.info);
        }
        return out;
    }
    MailboxStatus status(std::string_view mailbox) override {
        std::lock_guard lock(s_.mutex_);
        auto& b = s_.box(mailbox);
        MailboxStatus st;
        st.messages = static_cast<std::uint32_t>(b.messages.size());
        for (auto& m : b.messages) {
            st.unseen += !has(m.meta, "\\Seen");
            st.deleted += has(m.meta, "\\Deleted");
            st.size += m.meta.size;
        }
        st.uid_next = b.uid_next;
        st.uid_validity = b.uid_validity;
        // Per mailbox, as the store keeps it: changes elsewhere leave it alone.
        for (auto& m : b.messages) {
            st.highest_modseq = std::max(st.highest_modseq, m.meta.modseq);
        }
        for (auto& [uid, modseq] : b.expunged) {
            st.highest_modseq = std::max(st.highest_modseq, modseq);
        }
        st.mailbox_id = "F" + std::to_string(b.id);
        return st;
    }
    void create(std::string_view mailbox, std::string_view special_use) override {
        {
            std::lock_guard lock(s_.mutex_);
            if (s_.mailboxes_.contains(std::string(mailbox))) {
                throw Error(ErrorCode::already_exists, "exists");
            }
            auto& b = s_.mailboxes_[std::string(mailbox)];
            b.info = {std::string(mailbox), std::string(special_use), false};
            b.uid_validity = 2000 + static_cast<std::uint32_t>(s_.mailboxes_.size());
            b.id = s_.next_mailbox_id_++;
        }
        s_.notify();
    }
    void remove(std::string_view mailbox) override {
        {
            std::lock_guard lock(s_.mutex_);
            s_.box(mailbox);
            s_.mailboxes_.erase(std::string(mailbox));
        }
        s_.notify();
    }
    void rename(std::string_view from, std::string_view to) override {
        {
            std::lock_guard lock(s_.mutex_);
            FakeMailbox b = s_.box(from);
            if (s_.mailboxes_.contains(std::string(to))) {
                throw Error(ErrorCode::already_exists, "exists");
            }
            s_.mailboxes_.erase(std::string(from));
            b.info.name = std::string(to);
            s_.mailboxes_[std::string(to)] = std::move(b);
        }
        s_.notify();
    }
    void subscribe(std::string_view mailbox, bool subscribed) override {
        {
            std::lock_guard lock(s_.mutex_);
            s_.box(mailbox).info.subscribed = subscribed;
        }
        s_.notify();
    }
    MailboxView view(std::string_view mailbox) override {
        MailboxView v;
        for (const auto& meta : s_.metas(std::string(mailbox))) {
            v.uids.push_back(meta.uid);
            bool seen = false;
            for (const auto& flag : meta.flags) {
                seen = seen || flag == "\\Seen";
                if (std::find(v.flags.begin(), v.flags.end(), flag) == v.flags.end()) {
                    v.flags.push_back(flag);
                }
            }
            if (!seen && !v.first_unseen) {
                v.first_unseen = meta.uid;
            }
        }
        return v;
    }
    MailboxChanges changes_since(std::string_view mailbox, ModSeq since) override {
        std::lock_guard lock(s_.mutex_);
        ++changes_calls;
        auto& b = s_.box(mailbox);
        MailboxChanges c;
        for (auto& m : b.messages) {
            if (m.meta.modseq > since) {
                c.changed.push_back(m.meta);
            }
        }
        for (auto& [uid, modseq] : b.expunged) {
            if (modseq > since) {
                c.expunged.push_back(uid);
            }
        }
        c.highest_modseq = s_.modseq_;
        return c;
    }
    std::vector<MessageContent> contents(std::string_view mailbox, std::span<const Uid> uids,
                                         Content what) override {
        std::lock_guard lock(s_.mutex_);
        ++contents_calls;
        std::vector<MessageContent> out;
        for (auto& m : s_.box(mailbox).messages) {
            if (std::find(uids.begin(), uids.end(), m.meta.uid) == uids.end()) {
                continue;
            }
            MessageContent c;
            c.meta = m.meta;
            c.summary = mime::summarize(m.raw);
            if (what == Content::full) {
                c.raw = m.raw;
            } else if (what == Content::header) {
                c.raw = m.raw.substr(0, c.summary.root.body_offset);
            }
            out.push_back(std::move(c));
        }
        return out;
    }
    StoreResult store(std::string_view mailbox, std::span<const Uid> uids, FlagMode mode,
                      std::span<const std::string> flags,
                      std::optional<ModSeq> unchanged_since) override {
        StoreResult r;
        {
            std::lock_guard lock(s_.mutex_);
            for (auto& m : s_.box(mailbox).messages) {
                if (std::find(uids.begin(), uids.end(), m.meta.uid) == uids.end()) {
                    continue;
                }
                if (unchanged_since && m.meta.modseq > *unchanged_since) {
                    r.modified.push_back(m.meta.uid);
                    continue;
                }
                std::vector<std::string> next =
                    mode == FlagMode::replace ? std::vector<std::string>{} : m.meta.flags;
                for (const auto& f : flags) {
                    if (mode == FlagMode::remove) {
                        std::erase(next, f);
                    } else if (std::find(next.begin(), next.end(), f) == next.end()) {
                        next.push_back(f);
                    }
                }
                if (next != m.meta.flags) {
                    m.meta.flags = next;
                    m.meta.modseq = ++s_.modseq_;
                    r.updated.push_back(m.meta);
                }
            }
        }
        s_.notify();
        return r;
    }
    std::vector<Uid> expunge(std::string_view mailbox,
                             std::optional<std::span<const Uid>> uids) override {
        std::vector<Uid> out;
        {
            std::lock_guard lock(s_.mutex_);
            auto& b = s_.box(mailbox);
            for (auto& m : b.messages) {
                if (has(m.meta, "\\Deleted") &&
                    (!uids || std::find(uids->begin(), uids->end(), m.meta.uid) != uids->end())) {
                    out.push_back(m.meta.uid);
                    b.expunged.emplace_back(m.meta.uid, ++s_.modseq_);
                }
            }
            std::erase_if(b.messages, [&](const FakeMessage& m) {
                return std::find(out.begin(), out.end(), m.meta.uid) != out.end();
            });
        }
        s_.notify();
        return out;
    }
    CopyResult copy(std::string_view mailbox, std::span<const Uid> uids, std::string_view target,
                    bool move) override {
        CopyResult r;
        {
            std::lock_guard lock(s_.mutex_);
            auto& from = s_.box(mailbox);
            auto& to = s_.box(target);
            r.uid_validity = to.uid_validity;
            std::vector<FakeMessage> copies;
            for (auto& m : from.messages) {
                if (std::find(uids.begin(), uids.end(), m.meta.uid) != uids.end()) {
                    copies.push_back(m);
                }
            }
            for (auto& m : copies) {
                r.source.push_back(m.meta.uid);
                r.target.push_back(s_.add(to, m.raw, m.meta.flags, m.meta.internal_date));
                if (move) {
                    std::erase_if(from.messages,
                                  [&](const FakeMessage& x) { return x.meta.uid == m.meta.uid; });
                    from.expunged.emplace_back(m.meta.uid, ++s_.modseq_);
                }
            }
        }
        s_.notify();
        return r;
    }
    AppendResult append(std::string_view mailbox, std::span<const NewMessage> messages) override {
        AppendResult r;
        {
            std::lock_guard lock(s_.mutex_);
            auto& b = s_.box(mailbox);
            r.uid_validity = b.uid_validity;
            for (const NewMessage& m : messages) {
                r.uids.push_back(s_.add(b, std::string(m.raw), {m.flags.begin(), m.flags.end()},
                                        m.internal_date.value_or(1700000000)));
            }
        }
        s_.notify();
        return r;
    }
    std::vector<Uid> search(std::string_view mailbox, const SearchKey& criteria) override {
        std::lock_guard lock(s_.mutex_);
        last_search = criteria;
        auto& b = s_.box(mailbox);
        Uid max_uid = b.messages.empty() ? 0 : b.messages.back().meta.uid;
        std::vector<Uid> out;
        for (auto& m : b.messages) {
            Subject subject(m);
            if (matches(criteria, subject, 1800000000, max_uid)) {
                out.push_back(m.meta.uid);
            }
        }
        return out;
    }
    Quota quota() override { return {3000, 10 * 1024 * 1024}; }

    std::vector<MetadataEntry> metadata(std::string_view mailbox) override {
        std::lock_guard lock(s_.mutex_);
        std::map<std::string, std::string> all = metadata_of(mailbox);
        if (!mailbox.empty() && !s_.box(mailbox).info.special_use.empty()) {
            all["/private/specialuse"] = s_.box(mailbox).info.special_use;
        }
        std::vector<MetadataEntry> out;
        for (auto& [name, value] : all) {
            out.push_back({name, value});
        }
        return out;
    }
    MetadataResult set_metadata(std::string_view mailbox, std::span<const MetadataEntry> entries,
                                const MetadataLimits& limits) override {
        std::lock_guard lock(s_.mutex_);
        std::map<std::string, std::string>& current = metadata_of(mailbox);
        std::map<std::string, std::string> next = current;
        for (const auto& e : entries) {
            if (!mailbox.empty() && e.name == "/private/specialuse") {
                throw Error(ErrorCode::invalid_argument, "read-only");
            }
            if (e.value) {
                next[e.name] = *e.value;
            } else {
                next.erase(e.name);
            }
        }
        if (next.size() > current.size() && next.size() > limits.max_entries) {
            return MetadataResult::too_many;
        }
        auto bytes = [](const std::map<std::string, std::string>& m) {
            std::uint64_t n = 0;
            for (auto& [name, value] : m) {
                n += value.size();
            }
            return n;
        };
        std::uint64_t others = bytes(s_.server_metadata_);
        for (auto& [name, b] : s_.mailboxes_) {
            others += bytes(b.metadata);
        }
        others -= bytes(current);
        if (bytes(next) > bytes(current) && others + bytes(next) > limits.max_total_bytes) {
            return MetadataResult::too_large;
        }
        current = std::move(next);
        return MetadataResult::done;
    }

    std::unique_ptr<Watch> watch(std::function<void()> on_change) override {
        std::lock_guard lock(s_.mutex_);
        int id = s_.next_watch_++;
        s_.watchers_[id] = std::move(on_change);
        return std::make_unique<FakeWatch>(s_, id);
    }

    int contents_calls = 0;
    int changes_calls = 0;
    SearchKey last_search;

  private:
    struct FakeWatch : Watch {
        FakeWatch(FakeStore& s, int id) : s_(s), id_(id) {}
        ~FakeWatch() override {
            std::lock_guard lock(s_.mutex_);
            s_.watchers_.erase(id_);
        }
        FakeStore& s_;
        int id_;
    };
    struct Subject : SearchSubject {
        explicit Subject(const FakeMessage& m) : m_(m), summary_(mime::summarize(m.raw)) {}
        const MessageMeta& meta() override { return m_.meta; }
        const mime::MessageSummary& summary() override { return summary_; }
        std::string_view header() override {
            return std::string_view(m_.raw).substr(0, summary_.root.body_offset);
        }
        bool text_matches(SearchKey::Kind, std::string_view needle) override {
            return contains_text(m_.raw, needle);
        }
        const FakeMessage& m_;
        mime::MessageSummary summary_;
    };
    std::map<std::string, std::string>& metadata_of(std::string_view mailbox) {
        return mailbox.empty() ? s_.server_metadata_ : s_.box(mailbox).metadata;
    }
    static bool has(const MessageMeta& meta, std::string_view flag) {
        return std::find(meta.flags.begin(), meta.flags.end(), flag) != meta.flags.end();
    }

    FakeStore& s_;
    std::string address_ = "alice@example.test";
};

class FakeMailService : public MailService {
  public:
    std::unique_ptr<Account> login(std::string_view user, std::string_view password) override {
        ++logins;
        if (fail_logins) {
            throw Error(ErrorCode::io, "store down");
        }
        if (user == "alice@example.test" && password == "alice-pw") {
            return std::make_unique<FakeAccount>(store);
        }
        return nullptr;
    }
    std::uint64_t append_limit() const override { return 1024 * 1024; }

    FakeStore store;
    std::atomic<int> logins = 0;
    std::atomic<bool> fail_logins = false;
};

}  // namespace sealbox::imap::test

// StoreImapAccount::search: RFC 9051 §6.4.4 over the store. BODY and TEXT are answered by the
// full-text index (exactly, see store/mailbox_text.cpp); the rest by imap::matches on each
// message, which loads a summary or a header only for the keys that need one.
#include <algorithm>
#include <ctime>
#include <map>
#include <optional>

#include "imap/search/evaluate.h"
#include "mime/message_summary.h"
#include "server/imap_account.h"

namespace sealbox::server {
namespace {

using Kind = imap::SearchKey::Kind;

// The UIDs whose text holds a needle, one index query per distinct (kind, needle).
class TextIndex {
  public:
    TextIndex(store::MailboxStore& store, std::string_view mailbox)
        : store_(store), mailbox_(mailbox) {}

    const std::vector<std::int64_t>& matching(Kind kind, std::string_view needle) {
        auto key = std::make_pair(kind == Kind::body, std::string(needle));
        auto it = found_.find(key);
        if (it == found_.end()) {
            auto column = kind == Kind::body ? store::TextColumn::body : store::TextColumn::both;
            it = found_.emplace(key, store_.text_search(mailbox_, column, needle)).first;
        }
        return it->second;
    }

    bool contains(Kind kind, std::string_view needle, std::int64_t uid) {
        const auto& uids = matching(kind, needle);
        return std::binary_search(uids.begin(), uids.end(), uid);
    }

  private:
    store::MailboxStore& store_;
    std::string_view mailbox_;
    std::map<std::pair<bool, std::string>, std::vector<std::int64_t>> found_;
};

class StoredMessage : public imap::SearchSubject {
  public:
    StoredMessage(store::MailboxStore& store, std::string_view mailbox,
                  const store::MessageInfo& info, TextIndex& text)
        : store_(store), mailbox_(mailbox), info_(info), text_(text) {}

    const imap::MessageMeta& meta() override {
        if (!meta_) {
            meta_ = to_meta(info_);
        }
        return *meta_;
    }
    const mime::MessageSummary& summary() override {
        if (!summary_) {
            summary_ = mime::deserialize(store_.summary(mailbox_, info_.uid));
        }
        return *summary_;
    }
    std::string_view header() override {
        if (!header_) {
            header_ = store_.read_range(info_.content_id, 0, summary().root.header_size);
        }
        return *header_;
    }
    bool text_matches(Kind kind, std::string_view needle) override {
        return text_.contains(kind, needle, info_.uid);
    }

  private:
    store::MailboxStore& store_;
    std::string_view mailbox_;
    const store::MessageInfo& info_;
    TextIndex& text_;
    std::optional<imap::MessageMeta> meta_;
    std::optional<mime::MessageSummary> summary_;
    std::optional<std::string> header_;
};

// A BODY or TEXT key every match must satisfy (the program is an AND of its keys): only the
// messages the index names need to be looked at.
const imap::SearchKey* required_text_key(const imap::SearchKey& criteria) {
    if (criteria.kind == Kind::body || criteria.kind == Kind::text) {
        return &criteria;
    }
    if (criteria.kind == Kind::all_of) {
        for (const auto& child : criteria.children) {
            if (const auto* key = required_text_key(child)) {
                return key;
            }
        }
    }
    return nullptr;
}

}  // namespace

std::vector<imap::Uid> StoreImapAccount::search(std::string_view mailbox,
                                                const imap::SearchKey& criteria) {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    return account().with_reader([&](store::MailboxStore& s) {
        auto messages = s.messages(mailbox);
        // RFC 9051 §9 seq-number: "*" is the largest UID in use.
        auto max_uid = static_cast<imap::Uid>(messages.empty() ? 0 : messages.back().uid);
        TextIndex text(s, mailbox);
        if (const auto* key = required_text_key(criteria)) {
            const auto& candidates = text.matching(key->kind, key->value);
            std::erase_if(messages, [&](const store::MessageInfo& m) {
                return !std::binary_search(candidates.begin(), candidates.end(), m.uid);
            });
        }
        std::vector<imap::Uid> out;
        for (const auto& m : messages) {
            StoredMessage subject(s, mailbox, m, text);
            if (imap::matches(criteria, subject, now, max_uid)) {
                out.push_back(static_cast<imap::Uid>(m.uid));
            }
        }
        return out;
    });
}

}  // namespace sealbox::server

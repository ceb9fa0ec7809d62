// SEARCH and UID SEARCH (RFC 9051 §6.4.4) with CHARSET, ESEARCH (RFC 4731), SEARCHRES
// (RFC 5182). The store searches by UID: message numbers and "$" become UID sets here.

#include <algorithm>

#include "imap/search/evaluate.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

using Kind = SearchKey::Kind;

bool has_text(Kind kind) {
    switch (kind) {
        case Kind::bcc:
        case Kind::body:
        case Kind::cc:
        case Kind::from:
        case Kind::subject:
        case Kind::text:
        case Kind::to:
        case Kind::header:
            return true;
        default:
            return false;
    }
}

// UIDs (ascending) as a set of ranges.
SequenceSet uid_set(const std::vector<Uid>& uids) {
    SequenceSet set;
    for (Uid uid : uids) {
        if (!set.ranges.empty() && set.ranges.back().last + 1 == uid) {
            set.ranges.back().last = uid;
        } else {
            set.ranges.push_back({uid, uid});
        }
    }
    return set;
}

bool uses_modseq(const SearchKey& key) {
    return key.kind == Kind::modseq ||
           std::any_of(key.children.begin(), key.children.end(),
                       [](const SearchKey& k) { return uses_modseq(k); });
}

}  // namespace

std::optional<SearchKey> Session::uid_criteria(SearchKey criteria,
                                               const std::optional<std::string>& charset) {
    const SelectedMailbox& view = *selected_;
    // RFC 9051 §6.4.4: an unknown charset is refused even when no key holds text.
    bool charset_ok = !charset || search_string_to_utf8("", *charset).has_value();
    // Text values to UTF-8 (RFC 9051 §6.4.4), message numbers and "$" to UIDs (RFC 5182 §2.1).
    auto rewrite = [&](auto& self, SearchKey& key) -> void {
        if (has_text(key.kind) && charset) {
            auto converted = search_string_to_utf8(key.value, *charset);
            charset_ok = charset_ok && converted.has_value();
            key.value = converted.value_or("");
        }
        if (key.kind == Kind::sequence || key.kind == Kind::uid) {
            bool by_uid = key.kind == Kind::uid;
            std::vector<Uid> uids;
            SequenceSet numbers = key.set;
            if (!by_uid) {
                // Numbers beyond EXISTS name no message rather than failing the search.
                for (SequenceRange& r : numbers.ranges) {
                    r.first = r.first == kStar ? view.exists() : std::min(r.first, view.exists());
                    r.last = r.last == kStar ? view.exists() : std::min(r.last, view.exists());
                }
                std::erase_if(numbers.ranges,
                              [](const SequenceRange& r) { return r.first == 0 || r.last == 0; });
            }
            if (!by_uid || key.set.saved_result) {
                uids = view.resolve(numbers, by_uid, saved_search_).value_or(std::vector<Uid>{});
                key.kind = Kind::uid;
                key.set = uid_set(uids);
            }
        }
        for (SearchKey& child : key.children) {
            self(self, child);
        }
    };
    rewrite(rewrite, criteria);
    if (!charset_ok) {
        static const std::vector<std::string> kCharsets = {"US-ASCII", "UTF-8"};
        done(Condition::no, ResponseCode::bad_charset(kCharsets), "Unknown charset");
        return std::nullopt;
    }
    return criteria;
}

boost::asio::awaitable<void> Session::on_search(Search& search) {
    const SelectedMailbox& view = *selected_;
    auto uid_keys = uid_criteria(std::move(search.criteria), search.charset);
    if (!uid_keys) {
        co_return;
    }
    search.criteria = std::move(*uid_keys);
    // RFC 7162 §3.1.5: a MODSEQ search enables CONDSTORE and reports the highest MODSEQ found.
    bool with_modseq = uses_modseq(search.criteria);
    condstore_ = condstore_ || with_modseq;
    struct Found {
        std::vector<Uid> uids;
        ModSeq highest = 0;
    };
    auto account = account_;
    std::string name = view.name;
    SearchKey criteria = search.criteria;
    auto work = [account, name, criteria, with_modseq] {
        Found f;
        f.uids = account->search(name, criteria);
        if (with_modseq && !f.uids.empty()) {
            for (const MessageContent& m : account->contents(name, f.uids, Content::meta)) {
                f.highest = std::max(f.highest, m.meta.modseq);
            }
        }
        return f;
    };
    Found result = co_await net::run_blocking(services_.workers, std::move(work));
    const std::vector<Uid>& found = result.uids;
    std::string modseq =
        result.highest ? "MODSEQ " + std::to_string(result.highest) : std::string();
    // Only messages the client knows about (new ones are announced after this command).
    std::vector<Uid> uids;
    std::vector<std::uint32_t> numbers;
    for (Uid uid : found) {
        if (auto msn = selected_->msn(uid)) {
            uids.push_back(uid);
            numbers.push_back(search.uid ? uid : *msn);
        }
    }
    std::sort(uids.begin(), uids.end());
    std::sort(numbers.begin(), numbers.end());

    auto& options = search.return_options;
    auto wants = [&](std::string_view option) {
        return std::find(options.begin(), options.end(), option) != options.end();
    };
    bool esearch = search.return_given || rev2_;  // RFC 9051 §6.4.4: always ESEARCH in rev2
    if (esearch && options.empty()) {
        options.push_back("ALL");  // RFC 4731 §3.1: RETURN () means ALL
    }
    if (wants("SAVE")) {
        // RFC 5182 §2.4: with only MIN and/or MAX, only those are saved.
        if ((wants("MIN") || wants("MAX")) && !wants("ALL") && !wants("COUNT") && !uids.empty()) {
            saved_search_.clear();
            if (wants("MIN")) {
                saved_search_.push_back(uids.front());
            }
            if (wants("MAX") && uids.back() != uids.front()) {
                saved_search_.push_back(uids.back());
            }
        } else {
            saved_search_ = uids;
        }
    }
    bool only_save = options.size() == 1 && wants("SAVE");
    if (esearch && !only_save) {
        // RFC 4731 §3.1: search-correlator, then the requested data; MIN/MAX/ALL only when
        // something matched.
        std::string out = "* ESEARCH (TAG \"" + tag_ + "\")";
        out += search.uid ? " UID" : "";
        if (wants("MIN") && !numbers.empty()) {
            out += " MIN " + std::to_string(numbers.front());
        }
        if (wants("MAX") && !numbers.empty()) {
            out += " MAX " + std::to_string(numbers.back());
        }
        if (wants("COUNT")) {
            out += " COUNT " + std::to_string(numbers.size());
        }
        if (wants("ALL") && !numbers.empty()) {
            out += " ALL " + compress_numbers(numbers);
        }
        if (!modseq.empty() && !numbers.empty()) {
            out += " " + modseq;
        }
        send(out + "\r\n");
    } else if (!esearch) {
        std::string out = "* SEARCH";
        for (std::uint32_t n : numbers) {
            out += " " + std::to_string(n);
        }
        if (!modseq.empty() && !numbers.empty()) {
            out += " (" + modseq + ")";
        }
        send(out + "\r\n");
    }
    done(Condition::ok, "SEARCH completed");
}

}  // namespace sealbox::imap

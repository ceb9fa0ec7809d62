// What changed in the selected mailbox since the client was last told (RFC 9051 §5.2, §7.5.1;
// RFC 7162 §3.1.4, §3.2.10): new messages as EXISTS, flag changes as FETCH, removals as
// EXPUNGE or, under QRESYNC, VANISHED. The store is asked only after its watch() said that
// something changed.

#include <algorithm>

#include "imap/proto/sequence_set.h"
#include "imap/session/session.h"

namespace sealbox::imap {

std::string Session::flags_fetch(std::uint32_t msn, const MessageMeta& meta, bool with_uid) const {
    std::string out = "* " + std::to_string(msn) + " FETCH (";
    // RFC 7162 §3.2.4: under QRESYNC every FETCH response carries the UID.
    if (with_uid || qresync_) {
        out += "UID " + std::to_string(meta.uid) + " ";
    }
    out += "FLAGS (";
    for (std::size_t i = 0; i < meta.flags.size(); ++i) {
        out += (i ? " " : "") + meta.flags[i];
    }
    out += ")";
    if (condstore_) {  // RFC 7162 §3.1.4: MODSEQ with every flag change once CONDSTORE is on
        out += " MODSEQ (" + std::to_string(meta.modseq) + ")";
    }
    out += ")\r\n";
    return out;
}

boost::asio::awaitable<void> Session::report_changes(bool allow_expunge, bool report_flags) {
    if (!selected_) {
        signal_->changed = false;
        co_return;
    }
    std::vector<Uid> arrived;
    if (signal_->changed.exchange(false)) {
        auto account = account_;
        std::string name = selected_->name;
        ModSeq since = selected_->modseq;
        auto work = [account, name, since] { return account->changes_since(name, since); };
        auto changes = co_await net::run_blocking(services_.workers, std::move(work));
        if (selected_ && selected_->name == name) {
            arrived = apply_changes(changes, allow_expunge, report_flags);
        }
    }
    if (allow_expunge && selected_) {
        report_expunges();
    }
    if (report_flags && selected_) {
        report_deferred_flags();
    }
    co_await fetch_arrivals(arrived);
}

std::vector<Uid> Session::apply_changes(const MailboxChanges& changes, bool allow_expunge,
                                        bool report_flags) {
    SelectedMailbox& view = *selected_;
    for (Uid uid : changes.expunged) {
        if (view.msn(uid) && !view.is_pending_expunge(uid)) {
            view.pending_expunges.push_back(uid);
        }
    }
    if (allow_expunge) {
        report_expunges();  // before EXISTS, so the count the client ends with is right
    }
    // New messages take the next numbers; RFC 9051 §7.4.1 EXISTS tells the new count.
    std::uint32_t before = view.exists();
    std::vector<Uid> arrived;
    for (const MessageMeta& meta : changes.changed) {
        if (meta.uid > view.max_uid() &&
            !std::count(changes.expunged.begin(), changes.expunged.end(), meta.uid)) {
            view.add(meta.uid);
            arrived.push_back(meta.uid);
        }
    }
    if (view.exists() != before) {
        send("* " + std::to_string(view.exists()) + " EXISTS\r\n");
    }
    for (const MessageMeta& meta : changes.changed) {
        auto msn = view.msn(meta.uid);
        if (!msn || *msn > before || view.is_pending_expunge(meta.uid)) {
            continue;  // new (EXISTS said so) or about to go
        }
        auto reported = view.reported.find(meta.uid);
        if (reported != view.reported.end() && reported->second >= meta.modseq) {
            view.deferred_flags.erase(meta.uid);
            continue;  // this session's own STORE, answered already
        }
        if (report_flags) {
            view.deferred_flags.erase(meta.uid);
            send(flags_fetch(*msn, meta, false));
        } else {
            view.deferred_flags[meta.uid] = meta;  // the latest state wins
        }
    }
    view.modseq = std::max(view.modseq, changes.highest_modseq);
    std::erase_if(view.reported, [&](const auto& entry) { return entry.second <= view.modseq; });
    return arrived;
}

void Session::report_deferred_flags() {
    SelectedMailbox& view = *selected_;
    for (const auto& [uid, meta] : view.deferred_flags) {
        auto msn = view.msn(uid);
        if (msn && !view.is_pending_expunge(uid)) {
            send(flags_fetch(*msn, meta, false));
        }
    }
    view.deferred_flags.clear();
}

// RFC 9051 §7.5.1: each EXPUNGE renumbers at once, so the numbers are taken as each goes.
// RFC 7162 §3.2.10: under QRESYNC one VANISHED names them all by UID.
void Session::report_expunges() {
    SelectedMailbox& view = *selected_;
    if (view.pending_expunges.empty()) {
        return;
    }
    std::vector<Uid> gone = std::move(view.pending_expunges);
    view.pending_expunges.clear();
    std::sort(gone.begin(), gone.end());
    std::vector<Uid> removed;
    for (auto it = gone.rbegin(); it != gone.rend(); ++it) {
        if (auto msn = view.remove(*it)) {
            removed.push_back(*it);
            if (!qresync_) {
                send("* " + std::to_string(*msn) + " EXPUNGE\r\n");
            }
        }
    }
    if (qresync_ && !removed.empty()) {
        send("* VANISHED " + compress_numbers(removed) + "\r\n");
    }
    std::erase_if(saved_search_, [&](Uid uid) { return !view.msn(uid); });
}

}  // namespace sealbox::imap

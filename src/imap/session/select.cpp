// SELECT and EXAMINE (RFC 9051 §6.3.2-3) with CONDSTORE and QRESYNC (RFC 7162 §3.1.8,
// §3.2.5), CLOSE (§6.4.1) and UNSELECT (RFC 3691).

#include <algorithm>

#include "imap/session/parameters.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

const std::vector<std::string> kSystemFlags = {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen",
                                               "\\Draft"};

}  // namespace

void Session::deselect() {
    selected_.reset();
    saved_search_.clear();  // RFC 5182 §2.1
    state_ = State::authenticated;
}

boost::asio::awaitable<void> Session::on_select(const Select& select) {
    if (selected_) {
        // RFC 9051 §6.3.2: the old mailbox is closed first, even if this SELECT fails;
        // RFC 7162 §3.2.11 / RFC 9051 §7.1: CLOSED marks where its responses end.
        deselect();
        send(
            status_response("*", Condition::ok, ResponseCode::closed(), "Previous mailbox closed"));
    }
    SelectParameters parameters;
    try {
        parameters = parse_select_parameters(select.raw_parameters);
    } catch (const SyntaxError& e) {
        bad(e.what());
        co_return;
    }
    if (parameters.qresync && !qresync_) {
        bad("Enable QRESYNC first");  // RFC 7162 §3.2.5
        co_return;
    }
    condstore_ = condstore_ || parameters.condstore;

    struct Opened {
        MailboxStatus status;
        MailboxView view;
        std::optional<MailboxChanges> changes;
    };
    auto account = account_;
    std::string name = select.mailbox;
    auto qresync = parameters.qresync;
    // Status first: a change racing with the two reads is then reported again, never lost.
    auto work = [account, name, qresync] {
        Opened o;
        o.status = account->status(name);
        o.view = account->view(name);
        if (qresync && qresync->uid_validity == o.status.uid_validity) {
            o.changes = account->changes_since(name, qresync->modseq);
        }
        return o;
    };
    Opened opened = co_await net::run_blocking(services_.workers, std::move(work));
    std::optional<Uid> first_unseen_uid = opened.view.first_unseen;
    std::vector<std::string> flags = kSystemFlags;
    for (const std::string& flag : opened.view.flags) {
        if (std::find(flags.begin(), flags.end(), flag) == flags.end()) {
            flags.push_back(flag);
        }
    }
    selected_.emplace(name, select.read_only, opened.status, std::move(opened.view.uids));
    state_ = State::selected;
    signal_->changed = false;
    std::optional<std::uint32_t> first_unseen;
    if (first_unseen_uid) {
        first_unseen = selected_->msn(*first_unseen_uid);
    }
    std::string flag_list;
    for (const std::string& flag : flags) {
        flag_list += (flag_list.empty() ? "" : " ") + flag;
    }
    send("* FLAGS (" + flag_list + ")\r\n");
    send("* " + std::to_string(selected_->exists()) + " EXISTS\r\n");
    if (!rev2_) {  // RFC 9051 Appendix E: no RECENT, no UNSEEN code in IMAP4rev2
        send("* 0 RECENT\r\n");
        if (first_unseen) {
            send(status_response("*", Condition::ok, ResponseCode::unseen(*first_unseen),
                                 "First unseen"));
        }
    }
    std::vector<std::string> permanent;
    if (!select.read_only) {
        permanent = flags;
    }
    send(status_response("*", Condition::ok,
                         ResponseCode::permanent_flags(permanent, !select.read_only), "Flags"));
    send(status_response("*", Condition::ok, ResponseCode::uid_validity(opened.status.uid_validity),
                         "UIDs valid"));
    send(status_response("*", Condition::ok, ResponseCode::uid_next(opened.status.uid_next),
                         "Predicted next UID"));
    send(status_response("*", Condition::ok,
                         ResponseCode::highest_modseq(opened.status.highest_modseq),
                         "Highest"));  // RFC 7162 §3.1.2.1
    if (!opened.status.mailbox_id.empty()) {
        send(status_response("*", Condition::ok, ResponseCode::mailbox_id(opened.status.mailbox_id),
                             "Ok"));
    }
    if (opened.changes) {
        // RFC 7162 §3.2.5.1: what vanished since the client's MODSEQ (among the UIDs it says it
        // knows), then the messages changed since.
        std::vector<Uid> vanished;
        for (Uid uid : opened.changes->expunged) {
            if (!qresync->known_uids || set_contains(*qresync->known_uids, uid, UINT32_MAX)) {
                vanished.push_back(uid);
            }
        }
        if (!vanished.empty()) {
            send("* VANISHED (EARLIER) " + compress_numbers(vanished) + "\r\n");
        }
        for (const MessageMeta& meta : opened.changes->changed) {
            if (auto msn = selected_->msn(meta.uid)) {
                send(flags_fetch(*msn, meta, true));
            }
        }
    }
    done(Condition::ok, select.read_only ? ResponseCode::read_only() : ResponseCode::read_write(),
         select.read_only ? "EXAMINE completed" : "SELECT completed");
}

// CLOSE expunges silently when the mailbox is read-write (RFC 9051 §6.4.1); UNSELECT does not.
boost::asio::awaitable<void> Session::on_close(bool expunge) {
    if (!require_selected()) {
        co_return;
    }
    if (expunge && !selected_->read_only) {
        auto account = account_;
        std::string name = selected_->name;
        deselect();
        auto work = [account, name] { account->expunge(name, std::nullopt); };
        co_await net::run_blocking(services_.workers, std::move(work));
    } else {
        deselect();
    }
    done(Condition::ok, expunge ? "CLOSE completed" : "UNSELECT completed");
}

}  // namespace sealbox::imap

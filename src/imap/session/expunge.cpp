// EXPUNGE (RFC 9051 §6.4.3) and UID EXPUNGE (RFC 4315 §2.1).

#include "imap/session/session.h"

namespace sealbox::imap {

boost::asio::awaitable<void> Session::on_expunge(const Expunge& expunge) {
    if (selected_->read_only) {
        done(Condition::no, ResponseCode::simple("CANNOT"), "Mailbox is read-only");
        co_return;
    }
    std::optional<std::vector<Uid>> only;
    if (expunge.uids) {
        only = resolve(*expunge.uids, true);
        if (!only) {
            co_return;
        }
    }
    auto account = account_;
    std::string name = selected_->name;
    auto work = [account, name, only] {
        return only ? account->expunge(name, std::span<const Uid>(*only))
                    : account->expunge(name, std::nullopt);
    };
    auto removed = co_await net::run_blocking(services_.workers, std::move(work));
    mark_changed();
    for (Uid uid : removed) {
        if (selected_->msn(uid) && !selected_->is_pending_expunge(uid)) {
            selected_->pending_expunges.push_back(uid);
        }
    }
    report_expunges();  // EXPUNGE n, or VANISHED under QRESYNC (RFC 7162 §3.2.10)
    done(Condition::ok, "EXPUNGE completed");
}

}  // namespace sealbox::imap

// COPY / UID COPY (RFC 9051 §6.4.7) and MOVE / UID MOVE (RFC 6851), with COPYUID (RFC 4315 §3).

#include "imap/session/session.h"

namespace sealbox::imap {

boost::asio::awaitable<void> Session::on_copy(const SequenceSet& set, bool uid,
                                              const std::string& target, bool move) {
    if (move && selected_->read_only) {
        done(Condition::no, ResponseCode::simple("CANNOT"), "Mailbox is read-only");
        co_return;
    }
    auto uids = resolve(set, uid);
    if (!uids) {
        co_return;
    }
    if (uids->empty()) {
        done(Condition::ok, move ? "MOVE completed" : "COPY completed");  // nothing named
        co_return;
    }
    auto account = account_;
    std::string name = selected_->name;
    std::vector<Uid> source = std::move(*uids);
    CopyResult result;
    try {
        auto work = [account, name, source, target, move] {
            return account->copy(name, source, target, move);
        };
        result = co_await net::run_blocking(services_.workers, std::move(work));
    } catch (const Error& e) {
        fail(e, "TRYCREATE");  // RFC 9051 §6.4.7: the client may CREATE and retry
        co_return;
    }
    mark_changed();
    auto code = result.source.empty()
                    ? ResponseCode{}
                    : ResponseCode::copy_uid(result.uid_validity, result.source, result.target);
    if (!move) {
        done(Condition::ok, code, "COPY completed");
        co_return;
    }
    // RFC 6851 §3.3: COPYUID in an untagged OK, then the expunges, then the tagged OK.
    if (!code.empty()) {
        send(status_response("*", Condition::ok, code, "Moved"));
    }
    for (Uid moved : result.source) {
        if (selected_->msn(moved) && !selected_->is_pending_expunge(moved)) {
            selected_->pending_expunges.push_back(moved);
        }
    }
    report_expunges();
    done(Condition::ok, "MOVE completed");
}

}  // namespace sealbox::imap

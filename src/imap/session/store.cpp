// STORE and UID STORE (RFC 9051 §6.4.6) with UNCHANGEDSINCE (RFC 7162 §3.1.3).

#include "imap/session/session.h"

namespace sealbox::imap {

boost::asio::awaitable<void> Session::on_store(const Store& store) {
    if (selected_->read_only) {
        done(Condition::no, ResponseCode::simple("CANNOT"), "Mailbox is read-only");
        co_return;
    }
    auto uids = resolve(store.set, store.uid);
    if (!uids) {
        co_return;
    }
    if (store.unchanged_since) {
        condstore_ = true;  // RFC 7162 §3.1: a CONDSTORE-enabling command
    }
    std::vector<std::string> flags;
    for (const std::string& flag : store.flags) {
        if (flag != "\\Recent") {  // RFC 3501 §2.3.2: \Recent cannot be stored
            flags.push_back(flag);
        }
    }
    FlagMode mode = store.mode == Store::Mode::add      ? FlagMode::add
                    : store.mode == Store::Mode::remove ? FlagMode::remove
                                                        : FlagMode::replace;
    auto account = account_;
    std::string name = selected_->name;
    auto since = store.unchanged_since;
    std::vector<Uid> targets = std::move(*uids);
    auto work = [account, name, targets, mode, flags, since] {
        return account->store(name, targets, mode, flags, since);
    };
    StoreResult result = co_await net::run_blocking(services_.workers, std::move(work));
    mark_changed();
    for (const MessageMeta& meta : result.updated) {
        auto msn = selected_->msn(meta.uid);
        if (!msn) {
            continue;
        }
        selected_->reported[meta.uid] = meta.modseq;
        if (!store.silent) {
            send(flags_fetch(*msn, meta, store.uid));
        } else if (condstore_) {
            // RFC 7162 §3.1.3: even .SILENT reports the new MODSEQ once CONDSTORE is on.
            std::string uid = store.uid || qresync_ ? "UID " + std::to_string(meta.uid) + " " : "";
            send("* " + std::to_string(*msn) + " FETCH (" + uid + "MODSEQ (" +
                 std::to_string(meta.modseq) + "))\r\n");
        }
    }
    if (!result.modified.empty()) {
        // RFC 7162 §3.1.3: MODIFIED names the refused messages as the command named them.
        std::vector<std::uint32_t> set;
        for (Uid uid : result.modified) {
            if (store.uid) {
                set.push_back(uid);
            } else if (auto msn = selected_->msn(uid)) {
                set.push_back(*msn);
            }
        }
        if (!set.empty()) {
            done(Condition::ok, ResponseCode::modified(set), "Conditional STORE failed");
            co_return;
        }
    }
    done(Condition::ok, "STORE completed");
}

}  // namespace sealbox::imap

// NOTIFY (RFC 5465): what the client is told, unasked, of changes to the selected mailbox (at
// any time, not only after a command, §3) and to other mailboxes (STATUS and LIST responses,
// §5). Other mailboxes are watched by comparing snapshots of the account taken on the worker
// pool each time the store reports a change; idle.cpp pushes the responses between commands.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "imap/proto/string_writer.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

// RFC 5465 §5: the events a NO [BADEVENT] lists. AnnotationChange, MailboxMetadataChange and
// ServerMetadataChange are not told.
const std::vector<std::string> kSupportedEvents = {"MessageNew", "MessageExpunge", "FlagChange",
                                                   "MailboxName", "SubscriptionChange"};

bool supported(NotifyEvent event) {
    return event == NotifyEvent::message_new || event == NotifyEvent::message_expunge ||
           event == NotifyEvent::flag_change || event == NotifyEvent::mailbox_name ||
           event == NotifyEvent::subscription_change;
}

}  // namespace

bool Session::pushes_selected() const {
    const NotifyGroup* group = notify_ ? notify_->settings.selected() : nullptr;
    return group && group->has(NotifyEvent::message_new);
}

boost::asio::awaitable<void> Session::on_notify(const Notify& notify) {
    if (notify.none) {
        notify_.reset();  // back to the base protocol's updates only
        done(Condition::ok, "NOTIFY completed");
        co_return;
    }
    for (const NotifyGroup& group : notify.groups) {
        if (!std::all_of(group.events.begin(), group.events.end(), supported)) {
            done(Condition::no, ResponseCode::bad_event(kSupportedEvents),
                 "Unsupported NOTIFY event");
            co_return;
        }
    }
    ActiveNotify active{NotifySettings(notify), {}};
    if (active.settings.watches_mailboxes()) {
        // Cleared first: a change racing with the snapshot is compared again, never lost.
        signal_->mailboxes_changed = false;
        auto account = account_;
        auto work = [account] { return snapshot_of(*account); };
        active.snapshot = co_await net::run_blocking(services_.workers, std::move(work));
    }
    if (notify.status) {  // RFC 5465 §3.1, §5.1
        std::string selected = selected_ ? selected_->name : "";
        for (const MailboxNotification& n :
             active.settings.initial_status(active.snapshot, selected, condstore_)) {
            send_notification(n);
        }
    }
    notify_ = std::move(active);
    done(Condition::ok, "NOTIFY completed");
}

void Session::send_notification(const MailboxNotification& n) {
    using Kind = MailboxNotification::Kind;
    const MailboxInfo& info = n.mailbox.info;
    if (n.kind == Kind::status) {
        std::vector<StatusItem> items = {StatusItem::messages, StatusItem::uid_next,
                                         StatusItem::uid_validity};
        if (n.highest_modseq) {
            items.push_back(StatusItem::highest_modseq);
        }
        send(status_response_line(info.name, n.mailbox.status, items));
        return;
    }
    // RFC 5465 §5.4-5.5: LIST responses, with the attributes LIST-EXTENDED would give.
    std::vector<std::string> attributes;
    if (n.kind == Kind::deleted) {
        attributes.push_back("\\NonExistent");  // RFC 5258 §3.4
    } else {
        if (info.subscribed) {
            attributes.push_back("\\Subscribed");
        }
        if (!info.special_use.empty()) {
            attributes.push_back(info.special_use);
        }
    }
    std::string out = "* LIST (";
    for (std::size_t i = 0; i < attributes.size(); ++i) {
        out += (i ? " " : "") + attributes[i];
    }
    out += ") \"";
    out += kHierarchyDelimiter;
    out += "\" ";
    write_mailbox(out, info.name, utf8());
    if (n.kind == Kind::renamed) {  // RFC 9051 §7.3.1, RFC 5465 §5.4
        out += " (\"OLDNAME\" (";
        write_mailbox(out, n.old_name, utf8());
        out += "))";
    }
    out += "\r\n";
    send(out);
}

// RFC 5465 §5.8: rather than queue without bound, tell the client and stop notifying.
void Session::notification_overflow() {
    send(status_response("*", Condition::ok, ResponseCode::simple("NOTIFICATIONOVERFLOW"),
                         "Too many notifications, NOTIFY is off"));
    notify_.reset();
}

boost::asio::awaitable<void> Session::report_notifications() {
    if (!notify_ || !notify_->settings.watches_mailboxes() ||
        !signal_->mailboxes_changed.exchange(false)) {
        co_return;
    }
    try {
        auto account = account_;
        auto work = [account] { return snapshot_of(*account); };
        AccountSnapshot after = co_await net::run_blocking(services_.workers, std::move(work));
        if (!notify_) {
            co_return;
        }
        std::string selected = selected_ ? selected_->name : "";
        auto changes = notify_->settings.changes(notify_->snapshot, after, selected, condstore_);
        notify_->snapshot = std::move(after);
        if (changes.size() > config_->max_notifications) {
            notification_overflow();
            co_return;
        }
        for (const MailboxNotification& n : changes) {
            send_notification(n);
        }
    } catch (const boost::system::system_error&) {
        throw;  // the client is gone
    } catch (const std::exception& e) {
        spdlog::warn("{}: session of {}: no NOTIFY updates: {}", config_->name, client(), e.what());
    }
}

// RFC 5465 §5.2: MessageNew's fetch attributes, for each message EXISTS just announced. They
// only read: a notification never sets \Seen.
boost::asio::awaitable<void> Session::fetch_arrivals(const std::vector<Uid>& arrived) {
    const NotifyGroup* group = notify_ ? notify_->settings.selected() : nullptr;
    if (arrived.empty() || !selected_ || !group || group->fetch.empty() ||
        !group->has(NotifyEvent::message_new)) {
        co_return;
    }
    if (arrived.size() > config_->max_notifications) {
        notification_overflow();
        co_return;
    }
    std::vector<FetchAttribute> attributes = group->fetch;
    bool has_uid = std::any_of(attributes.begin(), attributes.end(), [](const FetchAttribute& a) {
        return a.kind == FetchAttribute::Kind::uid;
    });
    if (qresync_ && !has_uid) {  // RFC 7162 §3.2.4: every FETCH carries the UID
        FetchAttribute uid;
        uid.kind = FetchAttribute::Kind::uid;
        attributes.insert(attributes.begin(), uid);
    }
    co_await fetch_messages(arrived, attributes, std::nullopt, false);
}

}  // namespace sealbox::imap

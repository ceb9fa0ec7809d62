#pragma once
// The NOTIFY command (RFC 5465 §8): which mailboxes the client wants to hear about, and of
// which events. The rules RFC 5465 §5 puts on combinations of events are checked here (a
// violation is BAD); whether the server supports an event is the session's decision (NO
// [BADEVENT], RFC 5465 §5).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/fetch_attribute.h"
#include "imap/proto/lexer.h"

namespace sealbox::imap {

enum class NotifyEvent {
    // message-event (RFC 5465 §5.1-5.3)
    message_new,
    message_expunge,
    flag_change,
    annotation_change,
    // mailbox-event (§5.4-5.6)
    mailbox_name,
    subscription_change,
    mailbox_metadata_change,
    // user-event (§5.7)
    server_metadata_change,
    // event-ext: an atom RFC 5465 does not name
    other,
};

// The event's name as RFC 5465 §8 spells it ("MessageNew", ...); empty for `other`.
std::string_view notify_event_name(NotifyEvent event);

// event-group = "(" filter-mailboxes SP events ")"
struct NotifyGroup {
    enum class Filter {
        selected,          // the selected mailbox, told of expunges at once (§6.1)
        selected_delayed,  // the selected mailbox, expunges held for a command that allows them
        inboxes,
        personal,
        subscribed,
        subtree,    // `mailboxes` and everything under them
        mailboxes,  // exactly `mailboxes`
    };
    Filter filter = Filter::selected;
    std::vector<std::string> mailboxes;  // SUBTREE and MAILBOXES only; UTF-8 names
    std::vector<NotifyEvent> events;     // empty: NONE, nothing from these mailboxes
    // MessageNew's fetch attributes (§5.2), allowed with the selected filters only.
    std::vector<FetchAttribute> fetch;

    bool is_selected() const {
        return filter == Filter::selected || filter == Filter::selected_delayed;
    }
    bool has(NotifyEvent event) const;
};

struct Notify {
    bool none = false;    // NOTIFY NONE
    bool status = false;  // NOTIFY SET STATUS (§5.1)
    std::vector<NotifyGroup> groups;
};

// notify = "NOTIFY" SP (notify-set / notify-none), read after "NOTIFY" SP. decode_mailbox turns
// a mailbox's wire form into its UTF-8 name (throwing SyntaxError when it cannot).
Notify parse_notify(Lexer& lexer,
                    const std::function<std::string(const std::string&)>& decode_mailbox);

}  // namespace sealbox::imap

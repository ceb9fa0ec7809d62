#include "imap/proto/notify.h"

#include <algorithm>
#include <array>
#include <utility>

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

constexpr std::array<std::pair<NotifyEvent, std::string_view>, 8> kEventNames = {{
    {NotifyEvent::message_new, "MessageNew"},
    {NotifyEvent::message_expunge, "MessageExpunge"},
    {NotifyEvent::flag_change, "FlagChange"},
    {NotifyEvent::annotation_change, "AnnotationChange"},
    {NotifyEvent::mailbox_name, "MailboxName"},
    {NotifyEvent::subscription_change, "SubscriptionChange"},
    {NotifyEvent::mailbox_metadata_change, "MailboxMetadataChange"},
    {NotifyEvent::server_metadata_change, "ServerMetadataChange"},
}};

constexpr std::array<std::pair<NotifyGroup::Filter, std::string_view>, 7> kFilterNames = {{
    {NotifyGroup::Filter::selected, "SELECTED"},
    {NotifyGroup::Filter::selected_delayed, "SELECTED-DELAYED"},
    {NotifyGroup::Filter::inboxes, "INBOXES"},
    {NotifyGroup::Filter::personal, "PERSONAL"},
    {NotifyGroup::Filter::subscribed, "SUBSCRIBED"},
    {NotifyGroup::Filter::subtree, "SUBTREE"},
    {NotifyGroup::Filter::mailboxes, "MAILBOXES"},
}};

NotifyEvent event_named(std::string_view atom) {
    for (const auto& [event, name] : kEventNames) {
        if (chars::iequals(atom, name)) {
            return event;
        }
    }
    return NotifyEvent::other;
}

bool is_message_event(NotifyEvent event) {
    return event == NotifyEvent::message_new || event == NotifyEvent::message_expunge ||
           event == NotifyEvent::flag_change || event == NotifyEvent::annotation_change;
}

class NotifyParser {
  public:
    NotifyParser(Lexer& lexer, const std::function<std::string(const std::string&)>& decode)
        : lexer_(lexer), decode_(decode) {}

    // notify-set = "SET" [status-indicator] SP event-groups; notify-none = "NONE"
    Notify parse() {
        Notify out;
        std::string_view verb = lexer_.atom();
        if (chars::iequals(verb, "NONE")) {
            out.none = true;
            return out;
        }
        if (!chars::iequals(verb, "SET")) {
            throw SyntaxError("Expected NOTIFY SET or NOTIFY NONE");
        }
        lexer_.sp();
        if (lexer_.peek() != '(') {  // status-indicator = SP "STATUS"
            if (!chars::iequals(lexer_.atom(), "STATUS")) {
                throw SyntaxError("Expected STATUS or an event group");
            }
            out.status = true;
            lexer_.sp();
        }
        do {
            out.groups.push_back(group());
        } while (lexer_.take(' '));
        return out;
    }

  private:
    // event-group = "(" filter-mailboxes SP events ")"
    NotifyGroup group() {
        NotifyGroup g;
        lexer_.open_paren();
        std::string_view filter = lexer_.atom();
        auto known = std::find_if(kFilterNames.begin(), kFilterNames.end(),
                                  [&](const auto& f) { return chars::iequals(filter, f.second); });
        if (known == kFilterNames.end()) {
            throw SyntaxError("Unknown NOTIFY mailbox filter " + std::string(filter));
        }
        g.filter = known->first;
        if (g.filter == NotifyGroup::Filter::subtree ||
            g.filter == NotifyGroup::Filter::mailboxes) {
            lexer_.sp();
            g.mailboxes = one_or_more_mailbox();
        }
        lexer_.sp();
        bool fetch_given = events(g);
        lexer_.close_paren();
        check(g, fetch_given);
        return g;
    }

    // one-or-more-mailbox = mailbox / many-mailboxes;
    // many-mailboxes = "(" mailbox *(SP mailbox) ")"
    std::vector<std::string> one_or_more_mailbox() {
        std::vector<std::string> names;
        if (lexer_.peek() != '(') {
            names.push_back(decode_(lexer_.astring()));
            return names;
        }
        lexer_.open_paren();
        do {
            names.push_back(decode_(lexer_.astring()));
        } while (lexer_.take(' '));
        lexer_.close_paren();
        return names;
    }

    // events = ("(" event *(SP event) ")") / "NONE"; message-event's MessageNew may carry
    // "(" fetch-att *(SP fetch-att) ")". Returns whether it did.
    bool events(NotifyGroup& g) {
        if (lexer_.peek() != '(') {
            if (!chars::iequals(lexer_.atom(), "NONE")) {
                throw SyntaxError("Expected a list of events or NONE");
            }
            return false;
        }
        bool fetch_given = false;
        lexer_.open_paren();
        for (;;) {
            NotifyEvent event = event_named(lexer_.atom());
            g.events.push_back(event);
            bool more = lexer_.take(' ');
            if (more && event == NotifyEvent::message_new && lexer_.peek() == '(') {
                g.fetch = parse_fetch_attributes(lexer_);
                fetch_given = true;
                more = lexer_.take(' ');
            }
            if (!more) {
                break;
            }
        }
        lexer_.close_paren();
        return fetch_given;
    }

    // RFC 5465 §5: MessageNew and MessageExpunge come together, and FlagChange or
    // AnnotationChange only with both; the selected mailbox has message events only (§6.1), and
    // only it has messages to fetch (§5.2).
    static void check(const NotifyGroup& g, bool fetch_given) {
        if (g.has(NotifyEvent::message_new) != g.has(NotifyEvent::message_expunge)) {
            throw SyntaxError("MessageNew and MessageExpunge must be given together");
        }
        if ((g.has(NotifyEvent::flag_change) || g.has(NotifyEvent::annotation_change)) &&
            !g.has(NotifyEvent::message_new)) {
            throw SyntaxError("FlagChange and AnnotationChange need MessageNew and MessageExpunge");
        }
        if (g.is_selected()) {
            for (NotifyEvent event : g.events) {
                if (event != NotifyEvent::other && !is_message_event(event)) {
                    throw SyntaxError(std::string(notify_event_name(event)) +
                                      " does not apply to the selected mailbox");
                }
            }
        } else if (fetch_given) {
            throw SyntaxError("MessageNew fetches only for the selected mailbox");
        }
    }

    Lexer& lexer_;
    const std::function<std::string(const std::string&)>& decode_;
};

}  // namespace

std::string_view notify_event_name(NotifyEvent event) {
    for (const auto& [e, name] : kEventNames) {
        if (e == event) {
            return name;
        }
    }
    return {};
}

bool NotifyGroup::has(NotifyEvent event) const {
    return std::find(events.begin(), events.end(), event) != events.end();
}

Notify parse_notify(Lexer& lexer,
                    const std::function<std::string(const std::string&)>& decode_mailbox) {
    return NotifyParser(lexer, decode_mailbox).parse();
}

}  // namespace sealbox::imap

#include "imap/session/notifications.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/error.h"

namespace sealbox::imap {
namespace {

using Filter = NotifyGroup::Filter;

bool in_subtree(std::string_view name, std::string_view root) {
    return name == root || (name.size() > root.size() && name.starts_with(root) &&
                            name[root.size()] == kHierarchyDelimiter);
}

// RFC 5465 §6 filter-mailboxes, for a mailbox that is not the selected one.
bool filter_matches(const NotifyGroup& group, std::string_view name, bool subscribed) {
    switch (group.filter) {
        case Filter::selected:
        case Filter::selected_delayed:
            return false;
        case Filter::inboxes:
            // Mail is delivered to INBOX only: no rule files it anywhere else yet.
            return name == "INBOX";
        case Filter::personal:
            return true;  // the one namespace is the user's own
        case Filter::subscribed:
            return subscribed;
        case Filter::subtree:
            return std::any_of(group.mailboxes.begin(), group.mailboxes.end(),
                               [&](const std::string& root) { return in_subtree(name, root); });
        case Filter::mailboxes:
            return std::find(group.mailboxes.begin(), group.mailboxes.end(), name) !=
                   group.mailboxes.end();
    }
    return false;
}

// Mailboxes are matched across snapshots by their RFC 8474 MAILBOXID, which survives RENAME;
// by name when the store has none (a rename then looks like a deletion and a creation).
std::string identity(const MailboxSnapshot& m) {
    return m.status.mailbox_id.empty() ? "name " + m.info.name : "id " + m.status.mailbox_id;
}

// FlagChange needs MessageNew (RFC 5465 §5), so MessageNew says whether counters matter.
bool wants_status(const NotifyGroup* group) {
    return group && group->has(NotifyEvent::message_new);
}

// RFC 5465 §5.1: MESSAGES and UIDNEXT tell of arrivals and expunges; with FlagChange (and the
// server's CONDSTORE) UIDVALIDITY and HIGHESTMODSEQ tell of flag changes.
MailboxNotification status_of(const MailboxSnapshot& mailbox, const NotifyGroup& group,
                              bool condstore) {
    MailboxNotification n;
    n.kind = MailboxNotification::Kind::status;
    n.mailbox = mailbox;
    n.highest_modseq = condstore || group.has(NotifyEvent::flag_change);
    return n;
}

}  // namespace

AccountSnapshot snapshot_of(Account& account) {
    AccountSnapshot out;
    for (MailboxInfo& info : account.list()) {
        try {
            MailboxStatus status = account.status(info.name);
            out.push_back({std::move(info), std::move(status)});
        } catch (const Error& e) {
            if (e.code() != ErrorCode::not_found) {
                throw;
            }
            // deleted since list(): the next snapshot tells
        }
    }
    return out;
}

const NotifyGroup* NotifySettings::selected() const {
    for (const NotifyGroup& group : command_.groups) {
        if (group.is_selected()) {
            return &group;
        }
    }
    return nullptr;
}

bool NotifySettings::watches_mailboxes() const {
    return std::any_of(command_.groups.begin(), command_.groups.end(),
                       [](const NotifyGroup& g) { return !g.is_selected() && !g.events.empty(); });
}

// The first group that names the mailbox decides, as if later groups said nothing of it.
const NotifyGroup* NotifySettings::group_for(std::string_view name, bool subscribed) const {
    for (const NotifyGroup& group : command_.groups) {
        if (filter_matches(group, name, subscribed)) {
            return &group;
        }
    }
    return nullptr;
}

std::vector<MailboxNotification> NotifySettings::changes(const AccountSnapshot& before,
                                                         const AccountSnapshot& after,
                                                         std::string_view selected,
                                                         bool condstore) const {
    using Kind = MailboxNotification::Kind;
    auto wants = [this](const MailboxInfo& info, bool subscribed, NotifyEvent event) {
        const NotifyGroup* group = group_for(info.name, subscribed);
        return group && group->has(event);
    };
    std::map<std::string, const MailboxSnapshot*> earlier;
    for (const MailboxSnapshot& m : before) {
        earlier[identity(m)] = &m;
    }
    std::set<std::string> present;
    for (const MailboxSnapshot& m : after) {
        present.insert(identity(m));
    }

    std::vector<MailboxNotification> out;
    for (const MailboxSnapshot& gone : before) {
        if (!present.contains(identity(gone)) &&
            wants(gone.info, gone.info.subscribed, NotifyEvent::mailbox_name)) {
            out.push_back({Kind::deleted, gone, "", false});
        }
    }
    for (const MailboxSnapshot& now : after) {
        auto found = earlier.find(identity(now));
        if (found == earlier.end()) {
            if (wants(now.info, now.info.subscribed, NotifyEvent::mailbox_name)) {
                out.push_back({Kind::created, now, "", false});
            }
            continue;
        }
        const MailboxSnapshot& then = *found->second;
        // RFC 5465 §5.4: a rename concerns the client if either name is in its filters.
        if (then.info.name != now.info.name &&
            (wants(now.info, now.info.subscribed, NotifyEvent::mailbox_name) ||
             wants(then.info, then.info.subscribed, NotifyEvent::mailbox_name))) {
            out.push_back({Kind::renamed, now, then.info.name, false});
        }
        // A SUBSCRIBED filter covers the mailbox being unsubscribed, too.
        if (then.info.subscribed != now.info.subscribed &&
            wants(now.info, true, NotifyEvent::subscription_change)) {
            out.push_back({Kind::subscription, now, "", false});
        }
        const NotifyGroup* group = group_for(now.info.name, now.info.subscribed);
        if (now.info.name == selected || !wants_status(group)) {
            continue;
        }
        const MailboxStatus& a = then.status;
        const MailboxStatus& b = now.status;
        bool messages = a.messages != b.messages || a.uid_next != b.uid_next ||
                        a.uid_validity != b.uid_validity;
        bool flags =
            a.highest_modseq != b.highest_modseq || a.unseen != b.unseen || a.deleted != b.deleted;
        if (messages || (flags && group->has(NotifyEvent::flag_change))) {
            out.push_back(status_of(now, *group, condstore));
        }
    }
    return out;
}

std::vector<MailboxNotification> NotifySettings::initial_status(const AccountSnapshot& now,
                                                                std::string_view selected,
                                                                bool condstore) const {
    std::vector<MailboxNotification> out;
    for (const MailboxSnapshot& m : now) {
        const NotifyGroup* group = group_for(m.info.name, m.info.subscribed);
        if (m.info.name != selected && wants_status(group)) {
            out.push_back(status_of(m, *group, condstore));
        }
    }
    return out;
}

}  // namespace sealbox::imap

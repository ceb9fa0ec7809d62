#pragma once
// NOTIFY's bookkeeping (RFC 5465): which of the client's event groups decides for a mailbox, and
// what to tell about the mailboxes it watches, found by comparing two snapshots of the account
// (names, subscriptions and STATUS counters). Pure, but for snapshot_of(), which reads the store
// and so runs on the worker pool; the session writes the responses.

#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/notify.h"
#include "imap/service.h"

namespace sealbox::imap {

struct MailboxSnapshot {
    MailboxInfo info;
    MailboxStatus status;
};
using AccountSnapshot = std::vector<MailboxSnapshot>;

// Every mailbox with its status. Blocks (SQLite): call it on the worker pool.
AccountSnapshot snapshot_of(Account& account);

// One untagged response about a mailbox other than the selected one.
struct MailboxNotification {
    enum class Kind {
        status,        // STATUS (RFC 5465 §5.1-5.3)
        created,       // LIST (§5.4)
        deleted,       // LIST (\NonExistent) (§5.4, RFC 5258 §3.4)
        renamed,       // LIST with OLDNAME (§5.4, RFC 9051 §7.3.1)
        subscription,  // LIST, with \Subscribed while subscribed (§5.5)
    };
    Kind kind = Kind::status;
    MailboxSnapshot mailbox;      // as it is now; as it was for `deleted`
    std::string old_name;         // `renamed`
    bool highest_modseq = false;  // `status`: HIGHESTMODSEQ goes along (§5.1)
};

class NotifySettings {
  public:
    explicit NotifySettings(Notify command) : command_(std::move(command)) {}

    // The SELECTED or SELECTED-DELAYED group, or null.
    const NotifyGroup* selected() const;
    // Whether a group asks about mailboxes other than the selected one: then the session keeps
    // a snapshot to compare with.
    bool watches_mailboxes() const;
    // The group that decides for a mailbox that is not the selected one: the first whose filter
    // names it; null when none does (no events for it).
    const NotifyGroup* group_for(std::string_view name, bool subscribed) const;

    // What changed between the snapshots, deletions first. `selected` is the selected
    // mailbox's name (empty if none): its message events go out as EXISTS, EXPUNGE and FETCH
    // instead. condstore: the client enabled CONDSTORE, so STATUS carries HIGHESTMODSEQ.
    std::vector<MailboxNotification> changes(const AccountSnapshot& before,
                                             const AccountSnapshot& after,
                                             std::string_view selected, bool condstore) const;
    // NOTIFY SET STATUS (§5.1): a STATUS for every mailbox with message events but the selected.
    std::vector<MailboxNotification> initial_status(const AccountSnapshot& now,
                                                    std::string_view selected,
                                                    bool condstore) const;

  private:
    Notify command_;
};

// NOTIFY's state in a session: the settings and, when other mailboxes are watched, the account
// as the client was last told of it.
struct ActiveNotify {
    NotifySettings settings;
    AccountSnapshot snapshot;
};

}  // namespace sealbox::imap

// NotifySettings (RFC 5465): which event group decides for a mailbox, and what two snapshots of
// an account say changed.

#include "imap/session/notifications.h"

#include <gtest/gtest.h>

#include "imap/proto/command.h"

namespace sealbox::imap {
namespace {

using Kind = MailboxNotification::Kind;

NotifySettings settings(std::string_view command) {
    ParseResult r = parse_command(command);
    if (auto* e = std::get_if<ParseError>(&r)) {
        ADD_FAILURE() << e->text;
        return NotifySettings(Notify{});
    }
    return NotifySettings(std::get<Notify>(std::get<TaggedCommand>(r).command));
}

MailboxSnapshot mailbox(std::string name, std::string id, std::uint32_t messages = 0,
                        Uid uid_next = 1, ModSeq modseq = 1, bool subscribed = false) {
    MailboxSnapshot m;
    m.info.name = std::move(name);
    m.info.subscribed = subscribed;
    m.status.messages = messages;
    m.status.uid_next = uid_next;
    m.status.uid_validity = 7;
    m.status.highest_modseq = modseq;
    m.status.mailbox_id = std::move(id);
    return m;
}

// "kind name" for each notification, to compare at a glance.
std::vector<std::string> summary(const std::vector<MailboxNotification>& notifications) {
    static const char* kKinds[] = {"status", "created", "deleted", "renamed", "subscription"};
    std::vector<std::string> out;
    for (const MailboxNotification& n : notifications) {
        std::string line =
            std::string(kKinds[static_cast<int>(n.kind)]) + " " + n.mailbox.info.name;
        if (n.kind == Kind::renamed) {
            line += " from " + n.old_name;
        }
        if (n.highest_modseq) {
            line += " +modseq";
        }
        out.push_back(line);
    }
    return out;
}

TEST(NotifySettings, FiltersAndTheFirstGroupDecides) {
    NotifySettings s = settings(
        "a NOTIFY SET (SELECTED (MessageNew MessageExpunge)) (MAILBOXES Lists NONE) "
        "(SUBTREE Lists (MailboxName)) (INBOXES (MessageNew MessageExpunge)) "
        "(SUBSCRIBED (SubscriptionChange)) (PERSONAL (MessageNew MessageExpunge FlagChange))");
    ASSERT_NE(s.selected(), nullptr);
    EXPECT_EQ(s.selected()->filter, NotifyGroup::Filter::selected);
    EXPECT_TRUE(s.watches_mailboxes());
    // MAILBOXES names Lists itself only; SUBTREE takes Lists/a but not Listserv.
    EXPECT_TRUE(s.group_for("Lists", false)->events.empty());
    EXPECT_TRUE(s.group_for("Lists/ietf", false)->has(NotifyEvent::mailbox_name));
    EXPECT_TRUE(s.group_for("Listserv", false)->has(NotifyEvent::flag_change));
    EXPECT_FALSE(s.group_for("INBOX", true)->has(NotifyEvent::flag_change));
    EXPECT_TRUE(s.group_for("Work", true)->has(NotifyEvent::subscription_change));
    EXPECT_TRUE(s.group_for("Work", false)->has(NotifyEvent::flag_change));

    NotifySettings selected_only =
        settings("a NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge))");
    EXPECT_FALSE(selected_only.watches_mailboxes());
    EXPECT_EQ(selected_only.group_for("INBOX", true), nullptr);
    NotifySettings none = settings("a NOTIFY SET (PERSONAL NONE)");
    EXPECT_FALSE(none.watches_mailboxes());
    EXPECT_EQ(none.selected(), nullptr);
}

TEST(NotifySettings, MessageEventsAsStatus) {
    NotifySettings s = settings(
        "a NOTIFY SET (MAILBOXES Flags (MessageNew MessageExpunge FlagChange)) "
        "(PERSONAL (MessageNew MessageExpunge))");
    AccountSnapshot before = {mailbox("INBOX", "F1", 3, 4, 10), mailbox("Flags", "F2", 1, 2, 5),
                              mailbox("Sent", "F3", 5, 6, 8), mailbox("Quiet", "F4", 1, 2, 3)};
    AccountSnapshot after = before;
    after[0].status.messages = 4;  // a delivery to INBOX, which is selected
    after[0].status.uid_next = 5;
    after[1].status.highest_modseq = 6;  // a flag change, asked for
    after[2].status.messages = 4;        // an expunge
    after[3].status.highest_modseq = 4;  // a flag change, not asked for
    EXPECT_EQ(summary(s.changes(before, after, "INBOX", false)),
              (std::vector<std::string>{"status Flags +modseq", "status Sent"}));
    // INBOX once it is not selected; HIGHESTMODSEQ for everyone under CONDSTORE.
    EXPECT_EQ(summary(s.changes(before, after, "", true)),
              (std::vector<std::string>{"status INBOX +modseq", "status Flags +modseq",
                                        "status Sent +modseq"}));
    EXPECT_TRUE(s.changes(after, after, "", false).empty());
    // NOTIFY SET STATUS: every watched mailbox but the selected one.
    EXPECT_EQ(summary(s.initial_status(before, "Sent", false)),
              (std::vector<std::string>{"status INBOX", "status Flags +modseq", "status Quiet"}));
}

TEST(NotifySettings, MailboxNamesAndSubscriptions) {
    NotifySettings s = settings(
        "a NOTIFY SET (SUBTREE Work (MailboxName SubscriptionChange)) "
        "(SUBSCRIBED (SubscriptionChange))");
    AccountSnapshot before = {mailbox("Work", "F1"), mailbox("Work/Old", "F2"),
                              mailbox("Play", "F3", 0, 1, 1, true), mailbox("Gone", "F4"),
                              mailbox("Work/Gone", "F5")};
    AccountSnapshot after = {mailbox("Work", "F1", 0, 1, 1, true), mailbox("Work/New", "F2"),
                             mailbox("Play", "F3"), mailbox("Work/Made", "F6"),
                             mailbox("Elsewhere", "F7")};
    // Renames are found by MAILBOXID; unsubscribing Play is seen through SUBSCRIBED; mailboxes
    // outside the filters (Gone, Elsewhere) are not mentioned.
    EXPECT_EQ(summary(s.changes(before, after, "", false)),
              (std::vector<std::string>{"deleted Work/Gone", "subscription Work",
                                        "renamed Work/New from Work/Old", "subscription Play",
                                        "created Work/Made"}));
    // Moved out of the subtree: the old name is in it, so the rename is told.
    AccountSnapshot moved = {mailbox("Work", "F1"), mailbox("Archive/Old", "F2")};
    EXPECT_EQ(summary(s.changes({before[0], before[1]}, moved, "", false)),
              (std::vector<std::string>{"renamed Archive/Old from Work/Old"}));
}

TEST(NotifySettings, WithoutMailboxIdsARenameIsADeletionAndACreation) {
    NotifySettings s = settings("a NOTIFY SET (PERSONAL (MailboxName))");
    EXPECT_EQ(summary(s.changes({mailbox("A", "")}, {mailbox("B", "")}, "", false)),
              (std::vector<std::string>{"deleted A", "created B"}));
}

}  // namespace
}  // namespace sealbox::imap

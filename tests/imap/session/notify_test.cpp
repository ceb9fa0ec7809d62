// NOTIFY (RFC 5465): updates pushed without IDLE, for the selected mailbox (EXISTS, EXPUNGE,
// FETCH) and for others (STATUS, LIST), NOTIFY SET STATUS, NOTIFY NONE, BADEVENT and
// NOTIFICATIONOVERFLOW.

#include <chrono>

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kWait = 5s;  // for a pushed response; failing tests end here instead of hanging

class NotifyTest : public SessionTest {
  protected:
    void SetUp() override { begin({}); }

    void begin(SessionConfig config) {
        start(Mode::imaps, config);
        for (const char* subject : {"one", "two", "three"}) {
            mail.store.deliver("INBOX", message(subject));
        }
        other.create("Lists", "");  // UIDVALIDITY 2003
    }

    // A change made elsewhere, as another client's would be.
    FakeAccount other{mail.store};
};

TEST_F(NotifyTest, AdvertisedAfterLogin) {
    Client c = connect();
    EXPECT_THAT(c.cmd("CAPABILITY"), Not(HasSubstr(" NOTIFY")));
    EXPECT_EQ(c.cmd("NOTIFY NONE"), "a BAD Log in first");
    EXPECT_THAT(c.cmd("LOGIN alice@example.test alice-pw"), HasSubstr(" NOTIFY "));
}

TEST_F(NotifyTest, UnsupportedEventsAreRefusedWithTheSupportedOnes) {
    Client c = logged_in();
    const std::string refused =
        "a NO [BADEVENT (MessageNew MessageExpunge FlagChange MailboxName SubscriptionChange)] "
        "Unsupported NOTIFY event";
    EXPECT_EQ(c.cmd("NOTIFY SET (PERSONAL (MessageNew MessageExpunge AnnotationChange))"), refused);
    EXPECT_EQ(c.cmd("NOTIFY SET (INBOXES (ServerMetadataChange))"), refused);
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew MessageExpunge Telepathy))"), refused);
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew))"),
              "a BAD MessageNew and MessageExpunge must be given together");
    // Refused commands change nothing: no notifications were turned on.
    const std::string four = message("four");
    other.append("Lists", std::vector<NewMessage>{{four, {}, std::nullopt}});
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

TEST_F(NotifyTest, SetStatusTellsEveryWatchedMailboxButTheSelected) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET STATUS (SELECTED (MessageNew MessageExpunge)) "
                    "(MAILBOXES Lists (MessageNew MessageExpunge FlagChange)) "
                    "(PERSONAL (MessageNew MessageExpunge)) (SUBTREE Nowhere (MailboxName))"),
              "* STATUS Lists (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 2003 HIGHESTMODSEQ 0)\n"
              "* STATUS Trash (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 1000)\n"
              "a OK NOTIFY completed");
}

TEST_F(NotifyTest, SelectedMailboxUpdatesArePushedWithoutIdle) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew (UID FLAGS "
                    "BODY[HEADER.FIELDS (SUBJECT)]) MessageExpunge FlagChange))"),
              "a OK NOTIFY completed");
    mail.store.deliver("INBOX", message("four"), {"\\Flagged"});
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    EXPECT_EQ(c.line_within(kWait),
              "* 4 FETCH (UID 4 FLAGS (\\Flagged) BODY[HEADER.FIELDS (SUBJECT)] {17}\r\n"
              "Subject: four\r\n\r\n)");
    mail.store.set_flags("INBOX", 1, {"\\Answered"});
    EXPECT_EQ(c.line_within(kWait), "* 1 FETCH (FLAGS (\\Answered))");
    // SELECTED: an EXPUNGE goes out at once, even with no command in progress (RFC 5465 §6.1).
    mail.store.expunge_now("INBOX", 2);
    EXPECT_EQ(c.line_within(kWait), "* 2 EXPUNGE");
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
    // The notification read the message; it did not mark it \Seen.
    EXPECT_EQ(c.cmd("FETCH 3 (UID FLAGS)"),
              "* 3 FETCH (UID 4 FLAGS (\\Flagged))\na OK FETCH completed");
}

TEST_F(NotifyTest, SelectedDelayedKeepsExpungesForACommand) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED-DELAYED (MessageNew MessageExpunge FlagChange))"),
              "a OK NOTIFY completed");
    mail.store.expunge_now("INBOX", 1);
    mail.store.deliver("INBOX", message("four"));
    // Had the EXPUNGE been pushed, it would have come first.
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    EXPECT_EQ(c.cmd("NOOP"), "* 1 EXPUNGE\na OK NOOP completed");
}

TEST_F(NotifyTest, FlagChangesNotAskedForWaitForACommand) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew MessageExpunge))"), "a OK NOTIFY completed");
    mail.store.set_flags("INBOX", 3, {"\\Seen"});
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    EXPECT_EQ(c.cmd("NOOP"), "* 3 FETCH (FLAGS (\\Seen))\na OK NOOP completed");
}

TEST_F(NotifyTest, OtherMailboxesGetStatus) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew MessageExpunge)) "
                    "(PERSONAL (MessageNew MessageExpunge FlagChange))"),
              "a OK NOTIFY completed");
    Uid uid = mail.store.deliver("Lists", message("digest"));
    EXPECT_EQ(c.line_within(kWait),
              "* STATUS Lists (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 2003 HIGHESTMODSEQ 14)");
    mail.store.set_flags("Lists", uid, {"\\Seen"});
    EXPECT_EQ(c.line_within(kWait),
              "* STATUS Lists (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 2003 HIGHESTMODSEQ 15)");
    mail.store.expunge_now("Lists", uid);
    EXPECT_EQ(c.line_within(kWait),
              "* STATUS Lists (MESSAGES 0 UIDNEXT 2 UIDVALIDITY 2003 HIGHESTMODSEQ 16)");
    // The selected mailbox is told the usual way.
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

TEST_F(NotifyTest, MailboxNamesAndSubscriptionsAsList) {
    Client c = logged_in();
    Client b = logged_in();
    EXPECT_EQ(c.cmd("NOTIFY SET (PERSONAL (MailboxName SubscriptionChange))"),
              "a OK NOTIFY completed");
    EXPECT_EQ(b.cmd("CREATE Projects"), "a OK CREATE completed");
    EXPECT_EQ(c.line_within(kWait), "* LIST () \"/\" Projects");
    EXPECT_EQ(b.cmd("RENAME Projects Archive"), "a OK RENAME completed");
    EXPECT_EQ(c.line_within(kWait), "* LIST () \"/\" Archive (\"OLDNAME\" (Projects))");
    EXPECT_EQ(b.cmd("SUBSCRIBE Archive"), "a OK SUBSCRIBE completed");
    EXPECT_EQ(c.line_within(kWait), "* LIST (\\Subscribed) \"/\" Archive");
    EXPECT_EQ(b.cmd("UNSUBSCRIBE Archive"), "a OK UNSUBSCRIBE completed");
    EXPECT_EQ(c.line_within(kWait), "* LIST () \"/\" Archive");
    EXPECT_EQ(b.cmd("DELETE Archive"), "a OK DELETE completed");
    EXPECT_EQ(c.line_within(kWait), "* LIST (\\NonExistent) \"/\" Archive");
    // Without message events for them, deliveries are not told.
    mail.store.deliver("Lists", message("digest"));
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

TEST_F(NotifyTest, NoneStopsNotifications) {
    Client c = logged_in();
    EXPECT_EQ(c.cmd("NOTIFY SET (INBOXES (MessageNew MessageExpunge)) (MAILBOXES Lists "
                    "(MessageNew MessageExpunge))"),
              "a OK NOTIFY completed");
    mail.store.deliver("Lists", message("digest"));
    EXPECT_EQ(c.line_within(kWait), "* STATUS Lists (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 2003)");
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line_within(kWait), "* STATUS INBOX (MESSAGES 4 UIDNEXT 5 UIDVALIDITY 1000)");
    EXPECT_EQ(c.cmd("NOTIFY NONE"), "a OK NOTIFY completed");
    mail.store.deliver("Lists", message("digest 2"));
    std::this_thread::sleep_for(100ms);  // time enough for a push that should not come
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

TEST_F(NotifyTest, IdleTellsOtherMailboxesToo) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET (PERSONAL (MessageNew MessageExpunge))"), "a OK NOTIFY completed");
    c.send("i IDLE\r\n");
    EXPECT_EQ(c.line(), "+ idling");
    mail.store.deliver("Lists", message("digest"));
    EXPECT_EQ(c.line_within(kWait), "* STATUS Lists (MESSAGES 1 UIDNEXT 2 UIDVALIDITY 2003)");
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    c.send("DONE\r\n");
    EXPECT_EQ(c.until("i"), "i OK IDLE terminated");
}

TEST_F(NotifyTest, QresyncPutsTheUidInMessageNewFetches) {
    Client c = logged_in();
    c.cmd("ENABLE QRESYNC");
    c.cmd("SELECT INBOX");
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew (FLAGS) MessageExpunge))"),
              "a OK NOTIFY completed");
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    EXPECT_EQ(c.line_within(kWait), "* 4 FETCH (UID 4 FLAGS ())");
}

class NotifyOverflowTest : public NotifyTest {
  protected:
    void SetUp() override {
        SessionConfig config;
        config.max_notifications = 1;
        begin(config);
    }
};

TEST_F(NotifyOverflowTest, TooManyAtOnceTurnsNotifyOff) {
    Client c = selected();
    EXPECT_EQ(c.cmd("NOTIFY SET (SELECTED (MessageNew (UID) MessageExpunge))"),
              "a OK NOTIFY completed");
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line_within(kWait), "* 4 EXISTS");
    EXPECT_EQ(c.line_within(kWait), "* 4 FETCH (UID 4)");
    // Two messages in one change: more FETCHes than allowed (RFC 5465 §5.8).
    const std::vector<Uid> both = {1, 2};
    other.copy("INBOX", both, "INBOX", false);
    EXPECT_EQ(c.line_within(kWait), "* 6 EXISTS");
    EXPECT_EQ(c.line_within(kWait),
              "* OK [NOTIFICATIONOVERFLOW] Too many notifications, NOTIFY is off");
    // Back to the base protocol: told after a command, not before.
    mail.store.deliver("INBOX", message("seven"));
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(c.cmd("NOOP"), "* 7 EXISTS\na OK NOOP completed");
}

}  // namespace
}  // namespace sealbox::imap::test

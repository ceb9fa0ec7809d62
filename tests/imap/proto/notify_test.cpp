// NOTIFY (RFC 5465 §8) as the command parser reads it, and the BADEVENT response code.

#include <gtest/gtest.h>

#include "imap/proto/command.h"
#include "imap/proto/response.h"

namespace sealbox::imap {
namespace {

using Filter = NotifyGroup::Filter;

Notify notify(std::string_view input, const ParseOptions& options = {}) {
    ParseResult r = parse_command(input, options);
    if (auto* e = std::get_if<ParseError>(&r)) {
        ADD_FAILURE() << "'" << input << "' failed: " << e->text;
        return {};
    }
    auto* n = std::get_if<Notify>(&std::get<TaggedCommand>(r).command);
    if (n == nullptr) {
        ADD_FAILURE() << "'" << input << "' parsed as another command";
        return {};
    }
    return *n;
}

std::string error(std::string_view input) {
    ParseResult r = parse_command(input);
    if (auto* e = std::get_if<ParseError>(&r)) {
        EXPECT_EQ(e->tag, "a");
        return e->text;
    }
    ADD_FAILURE() << "'" << input << "' was accepted";
    return {};
}

TEST(Notify, None) {
    Notify n = notify("a NOTIFY NONE");
    EXPECT_TRUE(n.none);
    EXPECT_TRUE(n.groups.empty());
    EXPECT_TRUE(notify("a notify none").none);
}

TEST(Notify, SetWithEveryFilter) {
    Notify n = notify(
        "a NOTIFY SET (SELECTED (MessageNew (UID FLAGS) MessageExpunge FlagChange)) "
        "(SELECTED-DELAYED NONE) (INBOXES (MessageNew MessageExpunge)) "
        "(PERSONAL (MessageNew MessageExpunge MailboxName SubscriptionChange)) "
        "(SUBSCRIBED (MailboxName)) (SUBTREE Lists (MessageNew MessageExpunge)) "
        "(MAILBOXES (misc \"Work/Q 1\") (FlagChange MessageNew MessageExpunge))");
    EXPECT_FALSE(n.none);
    EXPECT_FALSE(n.status);
    ASSERT_EQ(n.groups.size(), 7u);

    const NotifyGroup& selected = n.groups[0];
    EXPECT_EQ(selected.filter, Filter::selected);
    EXPECT_TRUE(selected.is_selected());
    EXPECT_EQ(selected.events,
              (std::vector<NotifyEvent>{NotifyEvent::message_new, NotifyEvent::message_expunge,
                                        NotifyEvent::flag_change}));
    ASSERT_EQ(selected.fetch.size(), 2u);
    EXPECT_EQ(selected.fetch[0].kind, FetchAttribute::Kind::uid);
    EXPECT_EQ(selected.fetch[1].kind, FetchAttribute::Kind::flags);

    EXPECT_EQ(n.groups[1].filter, Filter::selected_delayed);
    EXPECT_TRUE(n.groups[1].events.empty());  // NONE
    EXPECT_EQ(n.groups[2].filter, Filter::inboxes);
    EXPECT_EQ(n.groups[3].filter, Filter::personal);
    EXPECT_TRUE(n.groups[3].has(NotifyEvent::mailbox_name));
    EXPECT_TRUE(n.groups[3].has(NotifyEvent::subscription_change));
    EXPECT_FALSE(n.groups[3].has(NotifyEvent::flag_change));
    EXPECT_TRUE(n.groups[3].fetch.empty());
    EXPECT_EQ(n.groups[4].filter, Filter::subscribed);
    EXPECT_EQ(n.groups[5].filter, Filter::subtree);
    EXPECT_EQ(n.groups[5].mailboxes, std::vector<std::string>{"Lists"});
    EXPECT_EQ(n.groups[6].filter, Filter::mailboxes);
    EXPECT_EQ(n.groups[6].mailboxes, (std::vector<std::string>{"misc", "Work/Q 1"}));
}

TEST(Notify, StatusIndicatorAndCase) {
    Notify n = notify("a notify set status (personal (messagenew messageexpunge))");
    EXPECT_TRUE(n.status);
    ASSERT_EQ(n.groups.size(), 1u);
    EXPECT_EQ(n.groups[0].filter, Filter::personal);
    EXPECT_TRUE(n.groups[0].has(NotifyEvent::message_new));
    EXPECT_TRUE(n.groups[0].has(NotifyEvent::message_expunge));
}

TEST(Notify, MailboxNamesAreDecoded) {
    // Modified UTF-7 for an IMAP4rev1 client, UTF-8 once enabled (RFC 9051 §5.1); INBOX in
    // any case is INBOX.
    Notify n = notify("a NOTIFY SET (MAILBOXES (inbox &ZeVnLIqe-) (MessageNew MessageExpunge))");
    EXPECT_EQ(n.groups[0].mailboxes, (std::vector<std::string>{"INBOX", "日本語"}));
    n = notify("a NOTIFY SET (SUBTREE \"日本語\" (MailboxName))", ParseOptions{{}, true});
    EXPECT_EQ(n.groups[0].mailboxes, std::vector<std::string>{"日本語"});
    EXPECT_EQ(error("a NOTIFY SET (MAILBOXES &Jjo (MailboxName))"),
              "Mailbox name is not valid modified UTF-7");
}

TEST(Notify, UnknownEventsParseForTheSessionToRefuse) {
    // event-ext = atom: syntactically fine; the server answers NO [BADEVENT] (RFC 5465 §5).
    Notify n = notify(
        "a NOTIFY SET (PERSONAL (MessageNew MessageExpunge AnnotationChange "
        "MailboxMetadataChange ServerMetadataChange FutureThing))");
    EXPECT_EQ(n.groups[0].events,
              (std::vector<NotifyEvent>{NotifyEvent::message_new, NotifyEvent::message_expunge,
                                        NotifyEvent::annotation_change,
                                        NotifyEvent::mailbox_metadata_change,
                                        NotifyEvent::server_metadata_change, NotifyEvent::other}));
    EXPECT_EQ(notify_event_name(NotifyEvent::annotation_change), "AnnotationChange");
    EXPECT_EQ(notify_event_name(NotifyEvent::other), "");
}

TEST(Notify, EventRulesOfSection5) {
    EXPECT_EQ(error("a NOTIFY SET (SELECTED (MessageNew))"),
              "MessageNew and MessageExpunge must be given together");
    EXPECT_EQ(error("a NOTIFY SET (PERSONAL (MessageExpunge))"),
              "MessageNew and MessageExpunge must be given together");
    EXPECT_EQ(error("a NOTIFY SET (PERSONAL (FlagChange))"),
              "FlagChange and AnnotationChange need MessageNew and MessageExpunge");
    EXPECT_EQ(error("a NOTIFY SET (SELECTED (MailboxName))"),
              "MailboxName does not apply to the selected mailbox");
    EXPECT_EQ(error("a NOTIFY SET (INBOXES (MessageNew (UID) MessageExpunge))"),
              "MessageNew fetches only for the selected mailbox");
}

TEST(Notify, SyntaxErrors) {
    EXPECT_EQ(error("a NOTIFY"), "Expected a space at end of command");
    EXPECT_EQ(error("a NOTIFY ALL"), "Expected NOTIFY SET or NOTIFY NONE");
    EXPECT_EQ(error("a NOTIFY SET"), "Expected a space at end of command");
    EXPECT_EQ(error("a NOTIFY SET FOO (PERSONAL NONE)"), "Expected STATUS or an event group");
    EXPECT_EQ(error("a NOTIFY SET (EVERYWHERE NONE)"), "Unknown NOTIFY mailbox filter EVERYWHERE");
    EXPECT_EQ(error("a NOTIFY SET (PERSONAL ALL)"), "Expected a list of events or NONE");
    EXPECT_EQ(error("a NOTIFY SET (PERSONAL ())"), "Expected an atom at position 24");
    EXPECT_EQ(error("a NOTIFY SET (SUBTREE (MailboxName))"), "Expected a space at position 35");
    EXPECT_EQ(error("a NOTIFY SET (MAILBOXES () (MailboxName))"),
              "Expected an atom or a string at position 25");
    EXPECT_EQ(error("a NOTIFY SET (PERSONAL NONE) "), "Expected \"(\" at end of command");
    EXPECT_EQ(error("a NOTIFY NONE extra"), "Expected end of command at position 13");
    EXPECT_EQ(error("a NOTIFY SET (SELECTED (MessageNew (FROB) MessageExpunge))"),
              "Unknown FETCH data item FROB");
}

TEST(Notify, BadEventCode) {
    const std::vector<std::string> events = {"MessageNew", "MessageExpunge", "MailboxName"};
    EXPECT_EQ(status_response("a", Condition::no, ResponseCode::bad_event(events), "Unsupported"),
              "a NO [BADEVENT (MessageNew MessageExpunge MailboxName)] Unsupported\r\n");
}

}  // namespace
}  // namespace sealbox::imap

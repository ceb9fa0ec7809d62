#include "imap/proto/command.h"

#include <gtest/gtest.h>

#include "imap/proto/parse_test_helpers.h"

namespace sealbox::imap {
namespace {

TEST(Command, SimpleCommandsAndTag) {
    ParseResult r = parse_command("A001 capability");
    ASSERT_TRUE(std::holds_alternative<TaggedCommand>(r));
    EXPECT_EQ(std::get<TaggedCommand>(r).tag, "A001");
    parse_as<Noop>("a NOOP");
    parse_as<Logout>("a LOGOUT");
    parse_as<StartTls>("a STARTTLS");
    parse_as<Namespace>("a NAMESPACE");
    parse_as<Idle>("a IDLE");
    parse_as<Close>("a CLOSE");
    parse_as<Unselect>("a UNSELECT");
    EXPECT_FALSE(parse_as<Expunge>("a EXPUNGE").uids);
}

TEST(Command, Errors) {
    EXPECT_EQ(error_of("a FROB").text, "Unknown command FROB");
    EXPECT_EQ(error_of("a FROB").tag, "a");
    EXPECT_EQ(error_of("+a NOOP").tag, "");
    EXPECT_EQ(error_of("a NOOP extra").text, "Expected end of command at position 6");
    EXPECT_EQ(error_of("a").text, "Expected a space at end of command");
    EXPECT_EQ(error_of("").tag, "");
    EXPECT_EQ(error_of("a SEARCH FROB").text, "Unknown search key FROB");
    EXPECT_EQ(error_of("a  NOOP").text, "Expected an atom at position 2");
}

TEST(Command, Authenticate) {  // RFC 4959 §3
    auto a = parse_as<Authenticate>("a AUTHENTICATE plain");
    EXPECT_EQ(a.mechanism, "PLAIN");
    EXPECT_FALSE(a.initial_response);
    a = parse_as<Authenticate>("a AUTHENTICATE PLAIN AGZyZWQAc2VjcmV0");
    EXPECT_EQ(a.initial_response, "AGZyZWQAc2VjcmV0");
    a = parse_as<Authenticate>("a AUTHENTICATE PLAIN =");
    EXPECT_EQ(a.initial_response, "");
    EXPECT_EQ(error_of("a AUTHENTICATE PLAIN abc").text, "Invalid base64 at position 21");
    EXPECT_EQ(error_of("a AUTHENTICATE PLAIN a=bc").text, "Invalid base64 at position 21");
}

TEST(Command, LoginWithQuotedAndLiteral) {
    auto l = parse_as<Login>("a LOGIN fred \"se cr\\\"et\"");
    EXPECT_EQ(l.user, "fred");
    EXPECT_EQ(l.password, "se cr\"et");
    l = parse_as<Login>("a LOGIN {4}\r\nfr d {2+}\r\n\xC3\xA9");
    EXPECT_EQ(l.user, "fr d");
    EXPECT_EQ(l.password, "\xC3\xA9");
}

TEST(Command, Enable) {
    EXPECT_EQ(parse_as<Enable>("a ENABLE condstore IMAP4rev2").capabilities,
              (std::vector<std::string>{"CONDSTORE", "IMAP4REV2"}));
    EXPECT_EQ(error_of("a ENABLE").text, "Expected a space at end of command");
}

TEST(Command, SelectAndExamine) {
    auto s = parse_as<Select>("a select inbox");
    EXPECT_EQ(s.mailbox, "INBOX");
    EXPECT_FALSE(s.read_only);
    s = parse_as<Select>("a EXAMINE \"Sent Items\" (QRESYNC (67890007 20050715194045000 41,43))");
    EXPECT_TRUE(s.read_only);
    EXPECT_EQ(s.mailbox, "Sent Items");
    EXPECT_EQ(s.raw_parameters, "(QRESYNC (67890007 20050715194045000 41,43))");
    EXPECT_EQ(error_of("a SELECT x (CONDSTORE").text, "Unbalanced parentheses");
}

TEST(Command, MailboxNamesByMode) {
    EXPECT_EQ(parse_as<Create>("a CREATE Entw&APw-rfe").mailbox, "Entw\xC3\xBCrfe");
    EXPECT_EQ(error_of("a CREATE {6}\r\ncaf\xC3\xA9!").text,
              "Mailbox name is not valid modified UTF-7");
    ParseOptions utf8;
    utf8.utf8 = true;
    EXPECT_EQ(parse_as<Create>("a CREATE \"caf\xC3\xA9\"", utf8).mailbox, "caf\xC3\xA9");
    EXPECT_EQ(parse_as<Create>("a CREATE Entw&APw-rfe", utf8).mailbox, "Entw&APw-rfe");
    EXPECT_EQ(error_of("a CREATE \"bad\xC3\"", utf8).text, "Mailbox name is not valid UTF-8");
    EXPECT_EQ(parse_as<Create>("a CREATE Drafts (USE (\\Drafts))").raw_parameters,
              "(USE (\\Drafts))");
}

TEST(Command, MailboxManagement) {
    EXPECT_EQ(parse_as<Delete>("a DELETE foo").mailbox, "foo");
    EXPECT_EQ(parse_as<Subscribe>("a SUBSCRIBE foo").mailbox, "foo");
    EXPECT_EQ(parse_as<Unsubscribe>("a UNSUBSCRIBE \"\"").mailbox, "");
    auto r = parse_as<Rename>("a RENAME old \"new one\"");
    EXPECT_EQ(r.from, "old");
    EXPECT_EQ(r.to, "new one");
}

TEST(Command, List) {
    auto l = parse_as<List>("a LIST \"\" *");
    EXPECT_EQ(l.reference, "");
    EXPECT_EQ(l.patterns, std::vector<std::string>{"*"});
    l = parse_as<List>(
        "a LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (INBOX Lists/%) RETURN (CHILDREN STATUS "
        "(MESSAGES))");
    EXPECT_EQ(l.raw_selection, "(SUBSCRIBED RECURSIVEMATCH)");
    EXPECT_EQ(l.patterns, (std::vector<std::string>{"INBOX", "Lists/%"}));
    EXPECT_EQ(l.raw_return, "(CHILDREN STATUS (MESSAGES))");
    EXPECT_EQ(error_of("a LIST \"\" * FOO (x)").text, "Expected RETURN");
    auto s = parse_as<Lsub>("a LSUB \"#news.\" \"comp.mail.*\"");
    EXPECT_EQ(s.reference, "#news.");
    EXPECT_EQ(s.pattern, "comp.mail.*");
}

TEST(Command, Status) {
    auto s = parse_as<Status>("a STATUS blurdybloop (UIDNEXT MESSAGES size highestmodseq)");
    EXPECT_EQ(s.mailbox, "blurdybloop");
    EXPECT_EQ(s.items, (std::vector<StatusItem>{StatusItem::uid_next, StatusItem::messages,
                                                StatusItem::size, StatusItem::highest_modseq}));
    EXPECT_EQ(error_of("a STATUS x (FOO)").text, "Unknown STATUS item FOO");
    EXPECT_EQ(error_of("a STATUS x ()").text, "Expected an atom at position 12");
}

TEST(Command, Append) {
    auto a = parse_as<Append>(
        "a APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {5}\r\nHello");
    EXPECT_EQ(a.mailbox, "saved-messages");
    ASSERT_EQ(a.messages.size(), 1u);
    EXPECT_EQ(a.messages[0].flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(a.messages[0].date_time, " 7-Feb-1994 21:52:25 -0800");
    EXPECT_EQ(a.messages[0].data, "Hello");
    EXPECT_FALSE(a.messages[0].binary);
}

TEST(Command, MultiAppendAndLiteral8) {  // RFC 3502, RFC 3516 §4.2
    auto a = parse_as<Append>(std::string_view("a APPEND x {1}\r\nA () ~{2+}\r\nB\0", 30));
    ASSERT_EQ(a.messages.size(), 2u);
    EXPECT_EQ(a.messages[0].data, "A");
    EXPECT_TRUE(a.messages[1].flags.empty());
    EXPECT_EQ(a.messages[1].data, std::string("B\0", 2));
    EXPECT_TRUE(a.messages[1].binary);
}

TEST(Command, AppendErrors) {
    EXPECT_EQ(error_of("a APPEND x \"Hello\"").text, "Invalid date-time");
    EXPECT_EQ(error_of("a APPEND x Hello").text, "APPEND needs the message as a literal");
    // RFC 6855 §4: the UTF8 form, only with UTF-8 enabled.
    ParseOptions utf8;
    utf8.utf8 = true;
    auto u = parse_as<Append>("a APPEND x (\\Seen) utf8 (~{13}\r\nSubject: \xc3\xa9\r\n)", utf8);
    ASSERT_EQ(u.messages.size(), 1u);
    EXPECT_EQ(u.messages[0].data, "Subject: \xc3\xa9\r\n");
    EXPECT_EQ(u.messages[0].flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(error_of("a APPEND x UTF8 (~{1}\r\nA)").text, "APPEND UTF8 needs ENABLE UTF8=ACCEPT");
    EXPECT_EQ(error_of("a APPEND x UTF8 ({1}\r\nA)", utf8).text,
              "APPEND UTF8 needs the message as a literal8");
    EXPECT_EQ(error_of("a APPEND x UTF8 (~{1}\r\nA", utf8).text.empty(), false);
    EXPECT_EQ(error_of("a APPEND x UTF9 (~{1}\r\nA)", utf8).text,
              "APPEND needs the message as a literal");
    EXPECT_EQ(error_of("a APPEND x {10}\r\nshort").text, "Literal shorter than announced");
}

TEST(Command, CopyMoveExpungeWithUid) {
    auto c = parse_as<Copy>("a COPY 2:4 MEETING");
    EXPECT_FALSE(c.uid);
    EXPECT_EQ(c.set.str(), "2:4");
    EXPECT_EQ(c.mailbox, "MEETING");
    auto m = parse_as<Move>("a UID MOVE 42:69,$ Archive");
    EXPECT_TRUE(m.uid);
    EXPECT_EQ(m.set.str(), "42:69,$");
    auto e = parse_as<Expunge>("a UID EXPUNGE 3000:3002");
    ASSERT_TRUE(e.uids);
    EXPECT_EQ(e.uids->str(), "3000:3002");
    EXPECT_EQ(error_of("a UID FROB 1").text, "Unknown UID command FROB");
    EXPECT_EQ(error_of("a COPY 0 x").text, "Expected a sequence set at position 7");
}

TEST(Command, Store) {
    auto s = parse_as<Store>("a STORE 2:4 +FLAGS (\\Deleted)");
    EXPECT_EQ(s.mode, Store::Mode::add);
    EXPECT_FALSE(s.silent);
    EXPECT_EQ(s.flags, std::vector<std::string>{"\\Deleted"});
    s = parse_as<Store>("a UID STORE 1:* (UNCHANGEDSINCE 12345) -flags.silent \\Seen $Junk");
    EXPECT_TRUE(s.uid);
    EXPECT_EQ(s.unchanged_since, 12345u);
    EXPECT_EQ(s.mode, Store::Mode::remove);
    EXPECT_TRUE(s.silent);
    EXPECT_EQ(s.flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
    s = parse_as<Store>("a STORE 1 FLAGS ()");
    EXPECT_EQ(s.mode, Store::Mode::replace);
    EXPECT_TRUE(s.flags.empty());
    EXPECT_EQ(error_of("a STORE 1 LABELS (x)").text, "Expected FLAGS, +FLAGS or -FLAGS");
}

TEST(Command, Fetch) {
    auto f = parse_as<Fetch>("a FETCH 1:* FAST");
    EXPECT_EQ(f.attributes.size(), 3u);
    f = parse_as<Fetch>("a UID FETCH 1:* (FLAGS) (CHANGEDSINCE 12345 VANISHED)");
    EXPECT_TRUE(f.uid);
    EXPECT_EQ(f.changed_since, 12345u);
    EXPECT_TRUE(f.vanished);
    EXPECT_EQ(error_of("a FETCH 1 (FLAGS) (FOO)").text, "Unknown FETCH modifier FOO");
}

TEST(Command, CheckIdAndQuota) {  // RFC 3501 §6.4.1, RFC 2971, RFC 9208
    parse_as<Check>("a CHECK");
    auto id = parse_as<Id>("a ID (\"name\" \"mutt\" \"version\" NIL)");
    ASSERT_EQ(id.fields.size(), 2u);
    EXPECT_EQ(id.fields[0].first, "name");
    EXPECT_EQ(id.fields[0].second, "mutt");
    EXPECT_EQ(id.fields[1].second, std::nullopt);
    EXPECT_TRUE(parse_as<Id>("a ID NIL").fields.empty());
    EXPECT_EQ(error_of("a ID (\"name\")").text, "Expected a space at position 12");
    EXPECT_EQ(error_of("a ID FOO").text, "ID expects a list or NIL");
    EXPECT_EQ(parse_as<GetQuota>("a GETQUOTA \"\"").root, "");
    EXPECT_EQ(parse_as<GetQuotaRoot>("a GETQUOTAROOT inbox").mailbox, "INBOX");
}

TEST(Command, HostileInputNeverCrashes) {
    std::string deep = "a FETCH 1 BODY[HEADER.FIELDS " + std::string(1000, '(') + "]";
    EXPECT_EQ(error_of(deep).text, "Expected an atom or a string at position 30");
    std::string deep_select = "a SELECT x " + std::string(100000, '(');
    EXPECT_EQ(error_of(deep_select).text, "Nesting too deep");
    EXPECT_EQ(error_of("a LOGIN {99999999999999999999}\r\nx y").text, "Number too large");
    EXPECT_EQ(error_of("a LOGIN \"unterminated").text, "Unterminated quoted string");
    EXPECT_EQ(error_of("a LOGIN \xFF\xFE \x80").text, "Expected an atom or a string at position 8");
    EXPECT_EQ(error_of("\x01\x02").tag, "");
}

}  // namespace
}  // namespace sealbox::imap

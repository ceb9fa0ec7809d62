// SELECT/EXAMINE, LIST, STATUS, CREATE/DELETE/RENAME/SUBSCRIBE (RFC 9051 §6.3).

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

TEST_F(SessionTest, SelectResponses) {
    start();
    mail.store.deliver("INBOX", message("one"), {"\\Seen"});
    mail.store.deliver("INBOX", message("two"));
    Client c = logged_in();
    std::string r = c.cmd("SELECT INBOX");
    EXPECT_THAT(r, HasSubstr("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\n"));
    EXPECT_THAT(r, HasSubstr("* 2 EXISTS\n* 0 RECENT\n* OK [UNSEEN 2] First unseen\n"));
    EXPECT_THAT(r, HasSubstr("* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen "
                             "\\Draft \\*)] Flags\n"));
    EXPECT_THAT(r, HasSubstr("* OK [UIDVALIDITY 1000] UIDs valid\n"));
    EXPECT_THAT(r, HasSubstr("* OK [UIDNEXT 3] Predicted next UID\n"));
    EXPECT_THAT(r, HasSubstr("* OK [HIGHESTMODSEQ 12] Highest\n"));
    EXPECT_THAT(r, HasSubstr("* OK [MAILBOXID (F1000)] Ok\n"));
    EXPECT_THAT(r, EndsWith("a OK [READ-WRITE] SELECT completed"));
    // EXAMINE of another mailbox closes this one first (RFC 7162 §3.2.11).
    r = c.cmd("EXAMINE Trash");
    EXPECT_THAT(r, StartsWith("* OK [CLOSED] Previous mailbox closed\n"));
    EXPECT_THAT(r, HasSubstr("[PERMANENTFLAGS ()]"));
    EXPECT_THAT(r, EndsWith("a OK [READ-ONLY] EXAMINE completed"));
    EXPECT_EQ(c.cmd("SELECT Nope"),
              "* OK [CLOSED] Previous mailbox closed\na NO [NONEXISTENT] No such mailbox");
    EXPECT_EQ(c.cmd("FETCH 1 FLAGS"), "a BAD No mailbox selected");
}

TEST_F(SessionTest, Rev2SelectHasNoRecentOrUnseen) {
    start();
    mail.store.deliver("INBOX", message("one"));
    Client c = logged_in();
    c.cmd("ENABLE IMAP4rev2");
    std::string r = c.cmd("SELECT INBOX");
    EXPECT_THAT(r, Not(HasSubstr("RECENT")));
    EXPECT_THAT(r, Not(HasSubstr("UNSEEN")));
}

TEST_F(SessionTest, QresyncSelectReportsVanishedAndChanged) {
    start();
    Uid one = mail.store.deliver("INBOX", message("one"));
    Uid two = mail.store.deliver("INBOX", message("two"));
    mail.store.deliver("INBOX", message("three"));
    // The client last saw MODSEQ 13; since then one went and two was flagged.
    mail.store.expunge_now("INBOX", one);
    mail.store.set_flags("INBOX", two, {"\\Flagged"});
    Client c = logged_in();
    c.cmd("ENABLE QRESYNC");
    std::string r = c.cmd("SELECT INBOX (QRESYNC (1000 13 1:3))");
    EXPECT_THAT(r, HasSubstr("* VANISHED (EARLIER) 1\n"
                             "* 1 FETCH (UID 2 FLAGS (\\Flagged) MODSEQ (15))\n"));
    EXPECT_THAT(r, EndsWith("a OK [READ-WRITE] SELECT completed"));
}

TEST_F(SessionTest, ListAndLsub) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("LIST \"\" \"\""), "* LIST (\\Noselect) \"/\" \"\"\na OK LIST completed");
    EXPECT_EQ(c.cmd("CREATE Work/Reports/"), "a OK CREATE completed");
    EXPECT_EQ(c.cmd("CREATE Drafts (USE (\\Drafts))"), "a OK CREATE completed");
    EXPECT_EQ(c.cmd("CREATE Drafts"), "a NO [ALREADYEXISTS] Mailbox already exists");
    EXPECT_EQ(c.cmd("CREATE X (USE (\\Bogus))"), "a NO [USEATTR] Unknown special use");
    EXPECT_EQ(c.cmd("LIST \"\" *"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\n"
              "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\n"
              "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\n"
              "* LIST (\\Noselect \\HasChildren) \"/\" Work\n"
              "* LIST (\\HasNoChildren) \"/\" Work/Reports\n"
              "a OK LIST completed");
    EXPECT_EQ(c.cmd("LIST \"\" %"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\n"
              "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\n"
              "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\n"
              "* LIST (\\Noselect \\HasChildren) \"/\" Work\n"
              "a OK LIST completed");
    EXPECT_EQ(c.cmd("LIST (SPECIAL-USE) \"\" *"),
              "* LIST (\\HasNoChildren \\Drafts) \"/\" Drafts\n"
              "* LIST (\\HasNoChildren \\Trash) \"/\" Trash\n"
              "a OK LIST completed");
    EXPECT_EQ(c.cmd("LIST \"\" inbox RETURN (STATUS (MESSAGES UIDNEXT))"),
              "* LIST (\\HasNoChildren) \"/\" INBOX\n"
              "* STATUS INBOX (MESSAGES 0 UIDNEXT 1)\n"
              "a OK LIST completed");
    EXPECT_EQ(c.cmd("SUBSCRIBE Work/Reports"), "a OK SUBSCRIBE completed");
    EXPECT_EQ(c.cmd("LIST (SUBSCRIBED RECURSIVEMATCH) \"\" %"),
              "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\n"
              "* LIST (\\HasNoChildren \\Subscribed \\Trash) \"/\" Trash\n"
              "* LIST (\\NonExistent \\HasChildren) \"/\" Work (\"CHILDINFO\" (\"SUBSCRIBED\"))\n"
              "a OK LIST completed");
    EXPECT_EQ(c.cmd("LSUB \"\" Work/*"), "* LSUB () \"/\" Work/Reports\na OK LSUB completed");
    // RFC 3501 §6.3.9: Work is not subscribed, but "%" does not reach its subscribed child.
    EXPECT_EQ(c.cmd("LSUB \"\" %"),
              "* LSUB () \"/\" INBOX\n"
              "* LSUB () \"/\" Trash\n"
              "* LSUB (\\Noselect) \"/\" Work\n"
              "a OK LSUB completed");
    EXPECT_EQ(c.cmd("LSUB \"\" W*"), "* LSUB () \"/\" Work/Reports\na OK LSUB completed");
    EXPECT_EQ(c.cmd("RENAME Work/Reports Archive"), "a OK RENAME completed");
    EXPECT_EQ(c.cmd("DELETE Archive"), "a OK DELETE completed");
    EXPECT_EQ(c.cmd("DELETE Archive"), "a NO [NONEXISTENT] No such mailbox");
    EXPECT_EQ(c.cmd("DELETE INBOX"), "a NO [CANNOT] INBOX cannot be deleted");
}

TEST_F(SessionTest, Status) {
    start();
    mail.store.deliver("INBOX", message("one"), {"\\Seen"});
    mail.store.deliver("INBOX", message("two"), {"\\Deleted"});
    Client c = logged_in();
    EXPECT_EQ(c.cmd("STATUS INBOX (MESSAGES UNSEEN DELETED UIDVALIDITY HIGHESTMODSEQ "
                    "APPENDLIMIT MAILBOXID)"),
              "* STATUS INBOX (MESSAGES 2 UNSEEN 1 DELETED 1 UIDVALIDITY 1000 HIGHESTMODSEQ 12 "
              "APPENDLIMIT 1048576 MAILBOXID (F1000))\na OK STATUS completed");
    EXPECT_EQ(c.cmd("STATUS Nope (MESSAGES)"), "a NO [NONEXISTENT] No such mailbox");
}

}  // namespace
}  // namespace sealbox::imap::test

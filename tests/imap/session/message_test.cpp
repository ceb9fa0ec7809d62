// FETCH, STORE, EXPUNGE, COPY/MOVE, SEARCH, APPEND (RFC 9051 §6.4, RFC 6851, RFC 4731).

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

class MessageTest : public SessionTest {
  protected:
    void SetUp() override {
        start();
        for (const char* subject : {"one", "two", "three"}) {
            mail.store.deliver("INBOX", message(subject, std::string("Body of ") + subject));
        }
    }
};

TEST_F(MessageTest, FetchFlagsUidSizeAndDate) {
    Client c = selected();
    EXPECT_EQ(c.cmd("FETCH 1:2 (UID FLAGS RFC822.SIZE INTERNALDATE)"),
              "* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 154 INTERNALDATE \"14-Nov-2023 22:13:20 "
              "+0000\")\n"
              "* 2 FETCH (UID 2 FLAGS () RFC822.SIZE 154 INTERNALDATE \"14-Nov-2023 22:13:20 "
              "+0000\")\n"
              "a OK FETCH completed");
    // UID FETCH always answers with the UID (RFC 9051 §6.4.8); unknown UIDs are skipped.
    EXPECT_EQ(c.cmd("UID FETCH 3:9 FLAGS"), "* 3 FETCH (UID 3 FLAGS ())\na OK FETCH completed");
    EXPECT_EQ(c.cmd("FETCH 4 FLAGS"), "a BAD Invalid message sequence number");
    EXPECT_EQ(c.cmd("FETCH 1 (EMAILID MODSEQ)"),
              "* 1 FETCH (EMAILID (M1) MODSEQ (11))\na OK FETCH completed");
}

TEST_F(MessageTest, FetchBodySetsSeenUnlessPeek) {
    Client c = selected();
    std::string raw = message("two", "Body of two");
    EXPECT_EQ(c.cmd("FETCH 2 BODY.PEEK[]"), "* 2 FETCH (BODY[] {" + std::to_string(raw.size()) +
                                                "}\r\n" + raw + ")\na OK FETCH completed");
    EXPECT_EQ(mail.store.metas("INBOX")[1].flags, std::vector<std::string>{});
    EXPECT_EQ(c.cmd("FETCH 2 BODY[TEXT]<0.4>"),
              "* 2 FETCH (BODY[TEXT]<0> {4}\r\nBody FLAGS (\\Seen))\na OK FETCH completed");
    EXPECT_EQ(mail.store.metas("INBOX")[1].flags, std::vector<std::string>{"\\Seen"});
    EXPECT_EQ(c.cmd("FETCH 2 (FLAGS BODY[HEADER.FIELDS (SUBJECT)])"),
              "* 2 FETCH (FLAGS (\\Seen) BODY[HEADER.FIELDS (SUBJECT)] {16}\r\nSubject: "
              "two\r\n\r\n)\na OK FETCH completed");
}

TEST_F(MessageTest, FetchEnvelope) {
    Client c = selected();
    std::string r = c.cmd("FETCH 1 ENVELOPE");
    EXPECT_THAT(r, StartsWith("* 1 FETCH (ENVELOPE (\"Mon, 23 Nov 2026 06:18:01 +0000\" \"one\" "
                              "((\"Bob\" NIL \"bob\" \"example.test\"))"));
    EXPECT_THAT(r, EndsWith("a OK FETCH completed"));
}

TEST_F(MessageTest, FetchInBatches) {
    for (int i = 0; i < 250; ++i) {
        mail.store.deliver("INBOX", message("bulk"));
    }
    Client c = selected();
    std::string r = c.cmd("FETCH 1:* (UID FLAGS)");
    EXPECT_THAT(r, HasSubstr("* 253 FETCH (UID 253 FLAGS ())\na OK FETCH completed"));
}

TEST_F(MessageTest, StoreAnswersWithFetchUnlessSilent) {
    Client c = selected();
    EXPECT_EQ(c.cmd("STORE 1:2 +FLAGS (\\Flagged)"),
              "* 1 FETCH (FLAGS (\\Flagged))\n* 2 FETCH (FLAGS (\\Flagged))\na OK STORE completed");
    EXPECT_EQ(c.cmd("UID STORE 1 -FLAGS.SILENT (\\Flagged)"), "a OK STORE completed");
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");  // its own change is not echoed
    EXPECT_EQ(c.cmd("UID STORE 2 FLAGS ($Junk)"),
              "* 2 FETCH (UID 2 FLAGS ($Junk))\na OK STORE completed");
    // CONDSTORE: MODSEQ in every FETCH, and MODIFIED for what changed since.
    EXPECT_EQ(c.cmd("STORE 3 (UNCHANGEDSINCE 1) +FLAGS (\\Seen)"),
              "a OK [MODIFIED 3] Conditional STORE failed");
    EXPECT_EQ(c.cmd("STORE 3 (UNCHANGEDSINCE 13) +FLAGS (\\Seen)"),
              "* 3 FETCH (FLAGS (\\Seen) MODSEQ (18))\na OK STORE completed");
}

TEST_F(MessageTest, ExpungeRenumbers) {
    Client c = selected();
    c.cmd("STORE 1:2 +FLAGS.SILENT (\\Deleted)");
    EXPECT_EQ(c.cmd("EXPUNGE"), "* 2 EXPUNGE\n* 1 EXPUNGE\na OK EXPUNGE completed");
    EXPECT_EQ(c.cmd("FETCH 1 UID"), "* 1 FETCH (UID 3)\na OK FETCH completed");
    EXPECT_EQ(c.cmd("FETCH 2 UID"), "a BAD Invalid message sequence number");
}

TEST_F(MessageTest, UidExpungeOnlyTheNamed) {
    Client c = selected();
    c.cmd("STORE 1:3 +FLAGS.SILENT (\\Deleted)");
    EXPECT_EQ(c.cmd("UID EXPUNGE 2"), "* 2 EXPUNGE\na OK EXPUNGE completed");
    EXPECT_EQ(mail.store.metas("INBOX").size(), 2u);
    EXPECT_EQ(c.cmd("CLOSE"), "a OK CLOSE completed");  // expunges the rest silently
    EXPECT_TRUE(mail.store.metas("INBOX").empty());
}

TEST_F(MessageTest, MoveWithCopyUid) {
    Client c = selected();
    EXPECT_EQ(c.cmd("MOVE 2:3 Trash"),
              "* OK [COPYUID 1000 2:3 1:2] Moved\n* 3 EXPUNGE\n* 2 EXPUNGE\na OK MOVE completed");
    EXPECT_EQ(c.cmd("COPY 1 Trash"), "a OK [COPYUID 1000 1 3] COPY completed");
    EXPECT_EQ(c.cmd("COPY 1 Nope"), "a NO [TRYCREATE] No such mailbox");
    EXPECT_EQ(c.cmd("UID MOVE 1 Trash"),
              "* OK [COPYUID 1000 1 4] Moved\n* 1 EXPUNGE\na OK MOVE completed");
}

TEST_F(MessageTest, MoveUnderQresyncSaysVanished) {
    Client c = logged_in();
    c.cmd("ENABLE QRESYNC");
    c.cmd("SELECT INBOX");
    EXPECT_EQ(c.cmd("UID MOVE 1:2 Trash"),
              "* OK [COPYUID 1000 1:2 1:2] Moved\n* VANISHED 1:2\na OK MOVE completed");
}

TEST_F(MessageTest, SearchAndEsearch) {
    Client c = selected();
    c.cmd("STORE 2 +FLAGS.SILENT (\\Seen)");
    EXPECT_EQ(c.cmd("SEARCH UNSEEN"), "* SEARCH 1 3\na OK SEARCH completed");
    EXPECT_EQ(c.cmd("UID SEARCH SUBJECT two"), "* SEARCH 2\na OK SEARCH completed");
    // Message numbers reach the store as UIDs.
    c.cmd("STORE 1 +FLAGS.SILENT (\\Deleted)");
    c.cmd("EXPUNGE");
    EXPECT_EQ(c.cmd("SEARCH 2"), "* SEARCH 2\na OK SEARCH completed");
    EXPECT_EQ(c.cmd("SEARCH RETURN (MIN MAX COUNT ALL) ALL", "t1"),
              "* ESEARCH (TAG \"t1\") MIN 1 MAX 2 COUNT 2 ALL 1:2\nt1 OK SEARCH completed");
    EXPECT_EQ(c.cmd("UID SEARCH RETURN () BODY three", "t2"),
              "* ESEARCH (TAG \"t2\") UID ALL 3\nt2 OK SEARCH completed");
    EXPECT_EQ(c.cmd("SEARCH RETURN (COUNT) SUBJECT nothing", "t3"),
              "* ESEARCH (TAG \"t3\") COUNT 0\nt3 OK SEARCH completed");
    EXPECT_EQ(c.cmd("SEARCH CHARSET KOI8-X ALL"),
              "a NO [BADCHARSET (US-ASCII UTF-8)] Unknown charset");
    // SEARCHRES (RFC 5182): SAVE, then "$".
    EXPECT_EQ(c.cmd("UID SEARCH RETURN (SAVE) SUBJECT three"), "a OK SEARCH completed");
    EXPECT_EQ(c.cmd("FETCH $ UID"), "* 2 FETCH (UID 3)\na OK FETCH completed");
}

TEST_F(MessageTest, SearchModseqReportsTheHighest) {  // RFC 7162 §3.1.5
    Client c = selected();
    EXPECT_EQ(c.cmd("SEARCH MODSEQ 12"), "* SEARCH 2 3 (MODSEQ 13)\na OK SEARCH completed");
    EXPECT_EQ(c.cmd("UID SEARCH RETURN (COUNT) MODSEQ 12", "t"),
              "* ESEARCH (TAG \"t\") UID COUNT 2 MODSEQ 13\nt OK SEARCH completed");
    EXPECT_EQ(c.cmd("SEARCH MODSEQ 99"), "* SEARCH\na OK SEARCH completed");
}

TEST_F(MessageTest, AppendWithAppendUid) {
    Client c = selected();
    std::string raw = message("four");
    c.send("a APPEND INBOX (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {" + std::to_string(raw.size()) +
           "}\r\n");
    EXPECT_EQ(c.line(), "+ Ready");
    c.send(raw + "\r\n");
    EXPECT_EQ(c.until("a"), "* 4 EXISTS\na OK [APPENDUID 1000 4] APPEND completed");
    EXPECT_EQ(c.cmd("FETCH 4 (FLAGS INTERNALDATE)"),
              "* 4 FETCH (FLAGS (\\Seen) INTERNALDATE \" 8-Feb-1994 05:52:25 +0000\")\n"
              "a OK FETCH completed");
    c.send("b APPEND Nope {3+}\r\nabc\r\n");
    EXPECT_EQ(c.until("b"), "b NO [TRYCREATE] No such mailbox");
}

}  // namespace
}  // namespace sealbox::imap::test

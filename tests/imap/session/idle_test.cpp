// IDLE (RFC 2177) and updates from other clients (RFC 9051 §5.2, §7.5.1): EXISTS, FETCH and
// EXPUNGE, the latter held back during FETCH, STORE and SEARCH by message number.

#include <chrono>

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

class UpdatesTest : public SessionTest {
  protected:
    void SetUp() override {
        start();
        for (const char* subject : {"one", "two", "three"}) {
            mail.store.deliver("INBOX", message(subject));
        }
    }
};

TEST_F(UpdatesTest, IdleHearsADeliveryAtOnce) {
    Client c = selected();
    c.send("i IDLE\r\n");
    EXPECT_EQ(c.line(), "+ idling");
    auto before = std::chrono::steady_clock::now();
    mail.store.deliver("INBOX", message("four"));
    EXPECT_EQ(c.line(), "* 4 EXISTS");
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(100));
    mail.store.set_flags("INBOX", 1, {"\\Answered"});
    EXPECT_EQ(c.line(), "* 1 FETCH (FLAGS (\\Answered))");
    mail.store.expunge_now("INBOX", 2);
    EXPECT_EQ(c.line(), "* 2 EXPUNGE");
    c.send("DONE\r\n");
    EXPECT_EQ(c.until("i"), "i OK IDLE terminated");
    EXPECT_EQ(c.cmd("FETCH 3 UID"), "* 3 FETCH (UID 4)\na OK FETCH completed");
}

TEST_F(UpdatesTest, IdleEndsOnAnythingButDone) {
    Client c = selected();
    c.send("i IDLE\r\n");
    EXPECT_EQ(c.line(), "+ idling");
    c.send("NOOP\r\n");
    EXPECT_EQ(c.until("i"), "i BAD Expected DONE");
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
}

TEST_F(UpdatesTest, ExpungeIsDeferredDuringFetchStoreAndSearch) {
    Client c = selected();
    mail.store.expunge_now("INBOX", 2);
    // The numbers stay as the client knows them: no EXPUNGE during FETCH (RFC 9051 §7.5.1).
    EXPECT_EQ(c.cmd("FETCH 3 UID"), "* 3 FETCH (UID 3)\na OK FETCH completed");
    EXPECT_EQ(c.cmd("STORE 3 +FLAGS (\\Seen)"), "* 3 FETCH (FLAGS (\\Seen))\na OK STORE completed");
    EXPECT_EQ(c.cmd("SEARCH ALL"), "* SEARCH 1 3\na OK SEARCH completed");
    // A UID command may renumber (RFC 9051 §5.5): the EXPUNGE follows its own responses.
    EXPECT_EQ(c.cmd("UID FETCH 3 UID"), "* 3 FETCH (UID 3)\n* 2 EXPUNGE\na OK FETCH completed");
    EXPECT_EQ(c.cmd("FETCH 2 UID"), "* 2 FETCH (UID 3)\na OK FETCH completed");
}

TEST_F(UpdatesTest, NoopReportsOtherSessionsChanges) {
    Client c = selected();
    Client other = selected();
    EXPECT_EQ(other.cmd("STORE 1 +FLAGS.SILENT (\\Flagged)"), "a OK STORE completed");
    mail.store.deliver("INBOX", message("four"));
    // The watch callback is asynchronous: poll until both changes are in.
    std::string r;
    for (int i = 0;
         i < 50 && !(r.find("EXISTS") != std::string::npos && r.find("FETCH") != std::string::npos);
         ++i) {
        r += c.cmd("NOOP") + "\n";
    }
    EXPECT_THAT(r, HasSubstr("* 4 EXISTS"));
    EXPECT_THAT(r, HasSubstr("* 1 FETCH (FLAGS (\\Flagged))"));
}

TEST_F(UpdatesTest, CondstoreAddsModseqToUpdates) {
    Client c = logged_in();
    c.cmd("ENABLE CONDSTORE");
    c.cmd("SELECT INBOX");
    c.send("i IDLE\r\n");
    EXPECT_EQ(c.line(), "+ idling");
    mail.store.set_flags("INBOX", 3, {"\\Seen"});
    EXPECT_EQ(c.line(), "* 3 FETCH (FLAGS (\\Seen) MODSEQ (14))");
    c.send("DONE\r\n");
    EXPECT_EQ(c.until("i"), "i OK IDLE terminated");
    EXPECT_EQ(c.cmd("UID FETCH 1:* FLAGS (CHANGEDSINCE 13)"),
              "* 3 FETCH (UID 3 FLAGS (\\Seen) MODSEQ (14))\na OK FETCH completed");
}

}  // namespace
}  // namespace sealbox::imap::test

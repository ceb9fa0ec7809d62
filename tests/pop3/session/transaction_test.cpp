// TRANSACTION and UPDATE states (RFC 1939 §5-§7): STAT, LIST, UIDL, RETR, TOP, DELE, RSET, QUIT;
// deletions only at QUIT.

#include "pop3/session/fixture.h"
#include "pop3/session/read_ahead.h"

namespace sealbox::pop3::test {
namespace {

const std::string kFirst = "From: a@example.test\r\nSubject: one\r\n\r\nline 1\r\nline 2\r\n";
const std::string kDotted = "Subject: dots\r\n\r\n.leading dot\r\n..two\r\n.\r\nend\r\n";
const std::string kThird = "Subject: three\r\n\r\nbody\r\n";

class TransactionTest : public Pop3Test {
  protected:
    void SetUp() override { maildrops.inbox = {kFirst, kDotted, kThird}; }
};

TEST_F(TransactionTest, StatListUidl) {
    start();
    Client c = logged_in();
    const auto total = kFirst.size() + kDotted.size() + kThird.size();
    EXPECT_EQ(c.cmd("STAT"), "+OK 3 " + std::to_string(total));
    EXPECT_EQ(c.cmd("LIST"), "+OK 3 messages (" + std::to_string(total) + " octets)");
    EXPECT_THAT(c.body(), ElementsAre("1 " + std::to_string(kFirst.size()),
                                      "2 " + std::to_string(kDotted.size()),
                                      "3 " + std::to_string(kThird.size())));
    EXPECT_EQ(c.cmd("LIST 2"), "+OK 2 " + std::to_string(kDotted.size()));
    EXPECT_EQ(c.cmd("LIST 4"), "-ERR No such message");
    EXPECT_EQ(c.cmd("LIST 0"), "-ERR Invalid message number");
    EXPECT_EQ(c.cmd("UIDL"), "+OK Unique-id listing follows");
    EXPECT_THAT(c.body(), ElementsAre("1 u1", "2 u2", "3 u3"));
    EXPECT_EQ(c.cmd("UIDL 3"), "+OK 3 u3");
    EXPECT_EQ(c.cmd("NOOP"), "+OK");
}

TEST_F(TransactionTest, RetrIsByteStuffedAndExact) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("RETR 2"), "+OK " + std::to_string(kDotted.size()) + " octets");
    EXPECT_EQ(c.message(), kDotted);
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    EXPECT_EQ(c.cmd("RETR 9"), "-ERR No such message");
}

TEST_F(TransactionTest, LargeMessageArrivesWhole) {
    std::string big = "Subject: big\r\n\r\n";
    for (int i = 0; big.size() < 300 * 1024; ++i) {
        big += (i % 7 == 0 ? "." : "") + std::string(70, static_cast<char>('a' + i % 26)) + "\r\n";
    }
    maildrops.inbox = {big};
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(big.size()) + " octets");
    EXPECT_EQ(c.message(), big);
    EXPECT_EQ(c.cmd("NOOP"), "+OK");
}

TEST_F(TransactionTest, Top) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("TOP 1 0"), "+OK Top of message follows");
    EXPECT_EQ(c.message(), "From: a@example.test\r\nSubject: one\r\n\r\n");
    EXPECT_EQ(c.cmd("TOP 1 1"), "+OK Top of message follows");
    EXPECT_EQ(c.message(), "From: a@example.test\r\nSubject: one\r\n\r\nline 1\r\n");
    EXPECT_EQ(c.cmd("TOP 2 100"), "+OK Top of message follows");
    EXPECT_EQ(c.message(), kDotted);
    EXPECT_EQ(c.cmd("TOP 1"), "-ERR Syntax: TOP msg n");
}

TEST_F(TransactionTest, DeleHidesUntilRset) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("DELE 2"), "+OK Message 2 deleted");
    EXPECT_EQ(c.cmd("DELE 2"), "-ERR Message 2 already deleted");
    EXPECT_EQ(c.cmd("RETR 2"), "-ERR Message 2 already deleted");
    EXPECT_EQ(c.cmd("STAT"), "+OK 2 " + std::to_string(kFirst.size() + kThird.size()));
    EXPECT_EQ(c.cmd("LIST"),
              "+OK 2 messages (" + std::to_string(kFirst.size() + kThird.size()) + " octets)");
    EXPECT_THAT(c.body(), ElementsAre("1 " + std::to_string(kFirst.size()),
                                      "3 " + std::to_string(kThird.size())));
    EXPECT_EQ(c.cmd("UIDL"), "+OK Unique-id listing follows");
    EXPECT_THAT(c.body(), ElementsAre("1 u1", "3 u3"));
    EXPECT_THAT(c.cmd("RSET"), StartsWith("+OK Maildrop has 3 messages"));
    EXPECT_EQ(c.cmd("LIST 2"), "+OK 2 " + std::to_string(kDotted.size()));
    EXPECT_EQ(c.cmd("QUIT"),
              "+OK mail.example.test Sealbox POP3 server signing off (3 messages left)");
    EXPECT_TRUE(c.closed());
    EXPECT_TRUE(maildrops.removed().empty());
}

TEST_F(TransactionTest, QuitRemovesMarkedMessages) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("DELE 1"), "+OK Message 1 deleted");
    EXPECT_EQ(c.cmd("DELE 3"), "+OK Message 3 deleted");
    EXPECT_EQ(c.cmd("QUIT"),
              "+OK mail.example.test Sealbox POP3 server signing off (1 messages left)");
    EXPECT_TRUE(c.closed());
    EXPECT_THAT(maildrops.removed(), ElementsAre("u1", "u3"));
    EXPECT_TRUE(released());
}

TEST_F(TransactionTest, DroppedConnectionRemovesNothing) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("DELE 1"), "+OK Message 1 deleted");
    c.close();
    ASSERT_TRUE(released());
    EXPECT_TRUE(maildrops.removed().empty());
}

TEST_F(TransactionTest, FailedUpdateSaysSo) {
    maildrops.throw_on_remove = true;
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("DELE 1"), "+OK Message 1 deleted");
    EXPECT_EQ(c.cmd("QUIT"), "-ERR [SYS/TEMP] Some deleted messages not removed");
    EXPECT_TRUE(c.closed());
    EXPECT_TRUE(released());
}

TEST_F(TransactionTest, MessageRemovedElsewhere) {
    start();
    Client c = logged_in();
    maildrops.vanish("u2");
    EXPECT_EQ(c.cmd("RETR 2"), "-ERR Message 2 was removed by another session");
    EXPECT_EQ(c.cmd("TOP 2 0"), "-ERR Message 2 was removed by another session");
    EXPECT_EQ(c.cmd("RETR 3"), "+OK " + std::to_string(kThird.size()) + " octets");
    EXPECT_EQ(c.message(), kThird);
}

// Until `done` holds, for up to two seconds: the read-ahead runs while the client does nothing.
template <typename Condition>
bool eventually(Condition done) {
    for (int i = 0; i < 200 && !done(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return done();
}

// A client downloading its mail in order finds each next message already read from the store,
// and every one exact.
TEST_F(TransactionTest, RetrReadsTheNextMessageAhead) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    EXPECT_TRUE(eventually([&] { return maildrops.retrieved().size() == 2; }))
        << "message 2 was not read before the client asked for it";
    EXPECT_EQ(c.cmd("RETR 2"), "+OK " + std::to_string(kDotted.size()) + " octets");
    EXPECT_EQ(c.message(), kDotted);
    EXPECT_EQ(c.cmd("RETR 3"), "+OK " + std::to_string(kThird.size()) + " octets");
    EXPECT_EQ(c.message(), kThird);
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    // Each read once, in order, and nothing past the last message; going back starts again.
    EXPECT_TRUE(eventually([&] { return maildrops.retrieved().size() == 5; }));
    EXPECT_THAT(maildrops.retrieved(), ElementsAre(0, 1, 2, 0, 1));
}

TEST_F(TransactionTest, ReadAheadSkipsDeletedMessages) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("DELE 2"), "+OK Message 2 deleted");
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    EXPECT_TRUE(eventually([&] { return maildrops.retrieved().size() == 2; }));
    EXPECT_THAT(maildrops.retrieved(), ElementsAre(0, 2));
    EXPECT_EQ(c.cmd("RETR 2"), "-ERR Message 2 already deleted");
    EXPECT_EQ(c.cmd("RETR 3"), "+OK " + std::to_string(kThird.size()) + " octets");
    EXPECT_EQ(c.message(), kThird);
}

// A session holds no more than ReadAhead::kMaxSize that its client may never ask for.
TEST_F(TransactionTest, LargeMessagesAreNotReadAhead) {
    std::string big = "Subject: big\r\n\r\n";
    while (big.size() <= ReadAhead::kMaxSize) {
        big += std::string(998, 'x') + "\r\n";
    }
    maildrops.inbox = {kFirst, big, kThird};
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    EXPECT_EQ(c.cmd("NOOP"), "+OK");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_THAT(maildrops.retrieved(), ElementsAre(0));
    EXPECT_EQ(c.cmd("RETR 2"), "+OK " + std::to_string(big.size()) + " octets");
    EXPECT_EQ(c.message(), big);
}

// A message that another protocol removed before the read-ahead got to it gets the same answer
// as without the read-ahead.
TEST_F(TransactionTest, ReadAheadOfARemovedMessage) {
    start();
    Client c = logged_in();
    maildrops.vanish("u2");
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    EXPECT_EQ(c.cmd("RETR 2"), "-ERR Message 2 was removed by another session");
    EXPECT_EQ(c.cmd("RETR 3"), "+OK " + std::to_string(kThird.size()) + " octets");
    EXPECT_EQ(c.message(), kThird);
}

// A client that leaves while the next message is still being read: the maildrop (and its lock)
// stays until that read is over, and goes then.
TEST_F(TransactionTest, SessionEndWaitsForTheReadAhead) {
    start();
    Client c = logged_in();
    maildrops.hold_reads_from(1);
    EXPECT_EQ(c.cmd("RETR 1"), "+OK " + std::to_string(kFirst.size()) + " octets");
    EXPECT_EQ(c.message(), kFirst);
    c.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(maildrops.locked("alice@example.test"));
    maildrops.let_reads_go();
    EXPECT_TRUE(released());
    EXPECT_TRUE(maildrops.removed().empty());
}

// RFC 2449 §6.6: a pipelining client gets every answer, in order.
TEST_F(TransactionTest, PipelinedCommands) {
    start();
    Client c = logged_in();
    c.send("STAT\r\nRETR 3\r\nDELE 3\r\nLIST 3\r\nNOOP\r\n");
    EXPECT_THAT(c.line(), StartsWith("+OK 3 "));
    EXPECT_THAT(c.line(), StartsWith("+OK"));
    EXPECT_EQ(c.message(), kThird);
    EXPECT_EQ(c.line(), "+OK Message 3 deleted");
    EXPECT_EQ(c.line(), "-ERR Message 3 already deleted");
    EXPECT_EQ(c.line(), "+OK");
}

}  // namespace
}  // namespace sealbox::pop3::test

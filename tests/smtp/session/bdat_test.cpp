// BDAT (RFC 3030): chunks of announced size, read whatever the answer.

#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

class BdatTest : public SessionTest {
  protected:
    void open(Client& c) {
        EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
        EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    }
};

TEST_F(BdatTest, ChunksMakeOneMessage) {
    start(Mode::smtp);
    Client c = ready();
    open(c);
    std::string first = "Subject: chunked\r\n\r\nfirst ";
    std::string second =
        "and last\r\n.\r\nQUIT\r\n";  // no dot-stuffing in BDAT: data, not a command
    c.send("BDAT " + std::to_string(first.size()) + "\r\n" + first);
    EXPECT_EQ(c.reply(), "250 2.0.0 " + std::to_string(first.size()) + " octets received");
    c.send("BDAT " + std::to_string(second.size()) + " LAST\r\n" + second);
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_THAT(d[0].message, EndsWith("\r\n" + first + second));
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
}

TEST_F(BdatTest, PipelinedWithTheEnvelope) {
    start(Mode::smtp);
    Client c = ready();
    std::string body = "Subject: x\r\n\r\nbody\r\n";
    c.send("MAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@example.test>\r\nBDAT " +
           std::to_string(body.size()) + " LAST\r\n" + body + "BDAT 0 LAST\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.1.0"));
    EXPECT_THAT(c.reply(), StartsWith("250 2.1.5"));
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    EXPECT_EQ(c.reply(), "503 5.5.1 Need MAIL command");
}

TEST_F(BdatTest, ChunkOutOfSequenceIsReadAndNotExecuted) {
    start(Mode::smtp);
    Client c = ready();
    c.send("BDAT 6\r\nQUIT\r\n");
    EXPECT_EQ(c.reply(), "503 5.5.1 Need MAIL command");
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
    open(c);
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("x\r\n."), StartsWith("250"));
    open(c);
    c.send("BDAT 3\r\nabc");
    EXPECT_THAT(c.reply(), StartsWith("250"));
    EXPECT_EQ(c.cmd("DATA"), "503 5.5.1 DATA not allowed after BDAT");
    EXPECT_EQ(c.cmd("RCPT TO:<bob@example.test>"), "503 5.5.1 RCPT not allowed after BDAT");
}

TEST_F(BdatTest, NotAfterHelo) {
    start(Mode::smtp);
    Client c = ready("HELO client.example");
    open(c);
    c.send("BDAT 4 LAST\r\nRSET");
    EXPECT_EQ(c.reply(), "503 5.5.1 BDAT needs EHLO");
}

TEST_F(BdatTest, BareLineEndingsAreRefusedAtTheChunkAndAfter) {
    start(Mode::smtp);
    Client c = ready();
    open(c);
    c.send("BDAT 7\r\nab\ncd\r\n");
    EXPECT_EQ(c.reply(), "550 5.6.0 Bare CR or LF in message data");
    c.send("BDAT 4 LAST\r\nef\r\n");
    EXPECT_EQ(c.reply(), "550 5.6.0 Bare CR or LF in message data");
    EXPECT_TRUE(mail.delivered().empty());
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "503 5.5.1 Need MAIL before RCPT");
}

TEST_F(BdatTest, CrAtTheEndOfAChunkPairsWithLfAtTheStartOfTheNext) {
    start(Mode::smtp);
    Client c = ready();
    open(c);
    c.send("BDAT 5\r\nab\r\nc");
    EXPECT_THAT(c.reply(), StartsWith("250"));
    c.send("BDAT 2\r\nd\r");
    EXPECT_THAT(c.reply(), StartsWith("250"));
    c.send("BDAT 1 LAST\r\n\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    ASSERT_EQ(mail.delivered().size(), 1U);
    EXPECT_THAT(mail.delivered()[0].message, EndsWith("\r\nab\r\ncd\r\n"));
}

TEST_F(BdatTest, TrailingBareCrIsRefusedAtLast) {
    start(Mode::smtp);
    Client c = ready();
    open(c);
    c.send("BDAT 3 LAST\r\nab\r");
    EXPECT_EQ(c.reply(), "550 5.6.0 Bare CR or LF in message data");
}

TEST_F(BdatTest, NormalizePolicyRepairsLineEndings) {
    start(Mode::smtp, SessionConfig{.bare_line_endings = BareLineEndings::normalize});
    Client c = ready();
    open(c);
    c.send("BDAT 6 LAST\r\nab\ncd\r");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    ASSERT_EQ(mail.delivered().size(), 1U);
    EXPECT_THAT(mail.delivered()[0].message, EndsWith("\r\nab\r\ncd\r\n"));
}

TEST_F(BdatTest, OversizedChunksAreReadAndRefused) {
    start(Mode::smtp, SessionConfig{.max_message_size = 4096});
    Client c = ready();
    open(c);
    c.send("BDAT 3000\r\n" + std::string(3000, 'x'));
    EXPECT_EQ(c.reply(), "552 5.3.4 Message size exceeds fixed maximum message size");
    c.send("BDAT 5 LAST\r\nabcde");
    EXPECT_EQ(c.reply(), "552 5.3.4 Message size exceeds fixed maximum message size");
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
    EXPECT_TRUE(mail.delivered().empty());
}

TEST_F(BdatTest, UnreadableSizeClosesTheConnection) {
    start(Mode::smtp);
    Client c = ready();
    open(c);
    EXPECT_EQ(c.cmd("BDAT lots"), "501 5.5.4 Syntax: BDAT size [LAST]");
    EXPECT_TRUE(c.closed());
}

}  // namespace
}  // namespace sealbox::smtp::test

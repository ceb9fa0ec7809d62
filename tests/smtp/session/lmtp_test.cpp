// LMTP (RFC 2033): LHLO, and one reply per accepted recipient once the message is in.

#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

class LmtpTest : public SessionTest {};

TEST_F(LmtpTest, LhloOnly) {
    start(Mode::lmtp);
    Client c = connect();
    EXPECT_EQ(c.cmd("EHLO client.example"), "500 5.5.1 This is LMTP: use LHLO");
    EXPECT_EQ(c.cmd("HELO client.example"), "500 5.5.1 This is LMTP: use LHLO");
    EXPECT_EQ(c.cmd("MAIL FROM:<a@remote.test>"), "503 5.5.1 Send LHLO first");
    EXPECT_THAT(c.cmd("LHLO mta.example"), StartsWith("250-mx.example.test\n250-PIPELINING"));
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "502 5.5.1 AUTH not available on this port");
}

TEST_F(LmtpTest, ReplyPerRecipientAfterData) {
    mail.failing = {"bob@example.test"};
    start(Mode::lmtp);
    Client c = ready("LHLO mta.example");
    c.send(
        "MAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@example.test>\r\n"
        "RCPT TO:<nobody@example.test>\r\nRCPT TO:<bob@example.test>\r\n"
        "RCPT TO:<sales@example.test>\r\nDATA\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.1.0"));
    EXPECT_THAT(c.reply(), StartsWith("250 2.1.5"));
    EXPECT_THAT(c.reply(), StartsWith("550 5.1.1"));
    EXPECT_THAT(c.reply(), StartsWith("250 2.1.5"));
    EXPECT_THAT(c.reply(), StartsWith("250 2.1.5"));
    EXPECT_THAT(c.reply(), StartsWith("354"));
    c.send("Subject: x\r\n\r\nbody\r\n.\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered as "));  // alice
    EXPECT_EQ(c.reply(), "452 4.2.2 Mailbox full");                 // bob
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered as "));  // sales = alice again
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].accounts, std::vector<std::string>{"alice@example.test"});
    EXPECT_THAT(d[0].message, HasSubstr(" with LMTP id "));
}

TEST_F(LmtpTest, RefusedMessageGetsOneReplyPerRecipient) {
    start(Mode::lmtp);
    Client c = ready("LHLO mta.example");
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    c.send("Subject: x\r\n\r\nbare\nline\r\n.\r\n");
    EXPECT_EQ(c.reply(), "550 5.6.0 Bare CR or LF in message data");
    EXPECT_EQ(c.reply(), "550 5.6.0 Bare CR or LF in message data");
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
}

TEST_F(LmtpTest, BdatLastGetsOneReplyPerRecipient) {
    start(Mode::lmtp);
    Client c = ready("LHLO mta.example");
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    c.send("BDAT 4\r\nab\r\n");
    EXPECT_EQ(c.reply(), "250 2.0.0 4 octets received");
    c.send("BDAT 0 LAST\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
}

}  // namespace
}  // namespace sealbox::smtp::test

// Inbound MX: the state machine, the replies of every command, and the limits.

#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

class MxTest : public SessionTest {};

TEST_F(MxTest, EhloAdvertisesTheExtensionsAndNoAuthInTheClear) {
    start(Mode::smtp);
    Client c = connect();
    std::string ehlo = c.cmd("EHLO client.example");
    EXPECT_THAT(ehlo, StartsWith("250-mx.example.test\n"));
    for (const char* ext : {"250-PIPELINING", "250-SIZE ", "250-8BITMIME", "250-SMTPUTF8",
                            "250-ENHANCEDSTATUSCODES", "250-CHUNKING", "250-DSN", "250 STARTTLS"}) {
        EXPECT_THAT(ehlo, HasSubstr(ext));
    }
    EXPECT_THAT(ehlo, Not(HasSubstr("AUTH")));
    EXPECT_THAT(ehlo, Not(HasSubstr("REQUIRETLS")));
    EXPECT_EQ(c.cmd("HELO client.example"), "250 mx.example.test");
}

TEST_F(MxTest, DeliversWithTraceFieldsAndRepliesAfterDelivery) {
    start(Mode::smtp);
    Client c = ready();
    EXPECT_EQ(c.cmd("MAIL FROM:<sender@remote.test> BODY=8BITMIME SIZE=100"),
              "250 2.1.0 Sender OK");
    EXPECT_EQ(
        c.cmd(
            "RCPT TO:<Alice@Example.TEST> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice@example.test"),
        "250 2.1.5 Recipient OK");
    EXPECT_EQ(c.cmd("DATA"), "354 End data with <CR><LF>.<CR><LF>");
    c.send("Subject: hi\r\n\r\n..dot-stuffed\r\nbody\r\n.\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered as "));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].accounts, std::vector<std::string>{"alice@example.test"});
    const std::string& m = d[0].message;
    EXPECT_THAT(m, StartsWith("Return-Path: <sender@remote.test>\r\nReceived: from client.example "
                              "([127.0.0.1])\r\n\tby mx.example.test (Sealbox) with ESMTP id "));
    EXPECT_THAT(m, HasSubstr("\r\n\tfor <Alice@example.test>;\r\n\t"));
    EXPECT_THAT(m, HasSubstr(" +0000\r\nSubject: hi\r\n\r\n.dot-stuffed\r\nbody\r\n"));
    EXPECT_EQ(c.cmd("QUIT"), "221 2.0.0 mx.example.test closing connection");
    EXPECT_TRUE(c.closed());
}

TEST_F(MxTest, PipelinedTransactionInOnePacket) {
    start(Mode::smtp);
    Client c = ready();
    c.send(
        "MAIL FROM:<>\r\nRCPT TO:<alice@example.test>\r\nRCPT TO:<nobody@example.test>\r\n"
        "RCPT TO:<team@example.test>\r\nDATA\r\n");
    EXPECT_EQ(c.reply(), "250 2.1.0 Sender OK");
    EXPECT_EQ(c.reply(), "250 2.1.5 Recipient OK");
    EXPECT_EQ(c.reply(), "550 5.1.1 No such user here");
    EXPECT_EQ(c.reply(), "250 2.1.5 Recipient OK");
    EXPECT_THAT(c.reply(), StartsWith("354"));
    c.send("Subject: x\r\n\r\nhello\r\n.\r\nNOOP\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    EXPECT_EQ(c.reply(), "250 2.0.0 OK");
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    // One copy per account, although alice is named directly and through team@.
    EXPECT_EQ(d[0].accounts, (std::vector<std::string>{"alice@example.test", "bob@example.test"}));
    EXPECT_THAT(d[0].message, StartsWith("Return-Path: <>\r\n"));
    EXPECT_THAT(d[0].message, Not(HasSubstr("for <")));  // several recipients: no "for"
}

TEST_F(MxTest, LongPipelineGetsEveryReplyInOrder) {
    start(Mode::smtp);
    Client c = ready();
    std::string pipeline;
    for (int i = 0; i < 5000; ++i) {
        pipeline += "NOOP " + std::to_string(i) + "\r\n";
    }
    std::thread writer([&] { c.send(pipeline + "QUIT\r\n"); });
    int noops = 0;
    for (std::string r = c.reply(); r == "250 2.0.0 OK"; r = c.reply()) {
        ++noops;
    }
    writer.join();
    EXPECT_EQ(noops, 5000);
}

TEST_F(MxTest, RecipientsThatAreRefused) {
    start(Mode::smtp);
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_EQ(c.cmd("RCPT TO:<nobody@example.test>"), "550 5.1.1 No such user here");
    EXPECT_EQ(c.cmd("RCPT TO:<full@example.test>"), "452 4.2.2 Mailbox full");
    EXPECT_EQ(c.cmd("RCPT TO:<victim@elsewhere.test>"), "554 5.7.1 Relay access denied");
    EXPECT_EQ(c.cmd("RCPT TO:<root@[192.0.2.1]>"), "554 5.7.1 Relay access denied");
    EXPECT_EQ(c.cmd("RCPT TO:<Postmaster>"), "250 2.1.5 Recipient OK");
    EXPECT_EQ(c.cmd("RCPT TO:<jörg@example.test>"),
              "553 5.6.7 Non-ASCII address needs the SMTPUTF8 parameter");
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test> FOO=bar"), "555 5.5.4 Unsupported parameter FOO");
}

TEST_F(MxTest, CommandsOutOfSequence) {
    start(Mode::smtp);
    Client c = connect();
    EXPECT_EQ(c.cmd("MAIL FROM:<a@remote.test>"), "503 5.5.1 Send EHLO first");
    EXPECT_EQ(c.cmd("LHLO client.example"), "500 5.5.1 This is SMTP: use EHLO");
    EXPECT_THAT(c.cmd("EHLO client.example"), StartsWith("250"));
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "503 5.5.1 Need MAIL before RCPT");
    EXPECT_EQ(c.cmd("DATA"), "503 5.5.1 Need MAIL command");
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_EQ(c.cmd("MAIL FROM:<a@remote.test>"), "503 5.5.1 Nested MAIL command");
    EXPECT_EQ(c.cmd("DATA"), "503 5.5.1 Need RCPT command");
    EXPECT_THAT(c.cmd("RCPT TO:<nobody@example.test>"), StartsWith("550"));
    EXPECT_EQ(c.cmd("DATA"), "554 5.5.1 No valid recipients");
    EXPECT_EQ(c.cmd("RSET"), "250 2.0.0 OK");
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "503 5.5.1 Need MAIL before RCPT");
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "502 5.5.1 AUTH not available on this port");
    EXPECT_EQ(c.cmd("FROB"), "500 5.5.2 Syntax error, command unrecognized");
}

TEST_F(MxTest, OtherCommands) {
    start(Mode::smtp);
    Client c = ready();
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
    EXPECT_EQ(c.cmd("VRFY alice"),
              "252 2.5.0 Cannot VRFY user, but will accept message and attempt delivery");
    EXPECT_EQ(c.cmd("EXPN staff"), "502 5.5.1 EXPN not available");
    EXPECT_THAT(c.cmd("HELP"), StartsWith("214-2.0.0 Commands:"));
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    // RFC 5321 §4.1.4: a new EHLO ends the transaction.
    EXPECT_THAT(c.cmd("EHLO again.example"), StartsWith("250"));
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "503 5.5.1 Need MAIL before RCPT");
}

TEST_F(MxTest, MailParameters) {
    start(Mode::smtp, SessionConfig{.max_message_size = 100'000});
    Client c = ready();
    EXPECT_THAT(c.cmd("EHLO x.example"), HasSubstr("250-SIZE 91808\n"));
    EXPECT_EQ(c.cmd("MAIL FROM:<a@remote.test> SIZE=91809"),
              "552 5.3.4 Message size exceeds fixed maximum message size");
    EXPECT_EQ(c.cmd("MAIL FROM:<a@remote.test> BODY=BINARYMIME"),
              "555 5.5.4 BODY=BINARYMIME is not supported");
    EXPECT_EQ(c.cmd("MAIL FROM:<a@remote.test> REQUIRETLS"),
              "555 5.5.4 REQUIRETLS needs a TLS connection");
    EXPECT_EQ(c.cmd("MAIL FROM:<jörg@remote.test>"),
              "553 5.6.7 Non-ASCII address needs the SMTPUTF8 parameter");
    EXPECT_THAT(c.cmd("MAIL FROM:<jörg@remote.test> SMTPUTF8 RET=HDRS ENVID=QQ+2Bx"),
                StartsWith("250"));
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "250 2.1.5 Recipient OK");
}

TEST_F(MxTest, TooManyRecipients) {
    start(Mode::smtp, SessionConfig{.max_recipients = 2});
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    EXPECT_EQ(c.cmd("RCPT TO:<team@example.test>"), "452 4.5.3 Too many recipients");
}

TEST_F(MxTest, OversizedDataIsRefusedAfterTheDotAndNothingIsDelivered) {
    start(Mode::smtp, SessionConfig{.max_message_size = 4096});
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    c.send("Subject: big\r\n\r\n" + std::string(5000, 'x') + "\r\n.\r\n");
    EXPECT_EQ(c.reply(), "552 5.3.4 Message size exceeds fixed maximum message size");
    EXPECT_TRUE(mail.delivered().empty());
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "503 5.5.1 Need MAIL before RCPT");
}

TEST_F(MxTest, OverlongLineIsRefusedAndTheSessionGoesOn) {
    start(Mode::smtp);
    Client c = ready();
    EXPECT_EQ(c.cmd("NOOP " + std::string(9000, 'x')), "500 5.5.2 Line too long");
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
    // Within the read limit but over RFC 5321's 512 octets for a command without parameters.
    EXPECT_EQ(c.cmd("NOOP " + std::string(600, 'x')), "500 5.5.2 Line too long");
}

TEST_F(MxTest, TooManyBadCommandsCloseTheConnection) {
    ListenerConfig listener;
    listener.max_bad_commands = 3;
    start(Mode::smtp, {}, listener);
    Client c = ready();
    EXPECT_THAT(c.cmd("FROB"), StartsWith("500"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("503"));
    c.send("GARBAGE\r\n");
    EXPECT_THAT(c.reply(), StartsWith("500"));
    EXPECT_EQ(c.reply(), "421 4.7.0 mx.example.test Too many bad commands, closing connection");
    EXPECT_TRUE(c.closed());
}

TEST_F(MxTest, BareLfCommandsFollowThePolicy) {
    start(Mode::smtp);
    Client c = ready();
    c.send("NOOP\n");
    EXPECT_EQ(c.reply(), "500 5.5.2 Command line ended by a bare LF; use CRLF");
}

TEST_F(MxTest, BareLfCommandsAreAcceptedUnderNormalize) {
    start(Mode::smtp, SessionConfig{.bare_line_endings = BareLineEndings::normalize});
    Client c = ready();
    c.send("NOOP\n");
    EXPECT_EQ(c.reply(), "250 2.0.0 OK");
}

TEST_F(MxTest, SilentClientsTimeOut) {
    ListenerConfig listener;
    listener.idle_timeout = std::chrono::milliseconds(300);
    start(Mode::smtp, {}, listener);
    Client c = ready();
    c.send("MAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250"));
    EXPECT_THAT(c.reply(), StartsWith("250"));
    EXPECT_THAT(c.reply(), StartsWith("354"));
    c.send("Subject: half a message\r\n");  // and then nothing
    auto begin = std::chrono::steady_clock::now();
    EXPECT_TRUE(c.closed());
    EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(5));
    EXPECT_TRUE(mail.delivered().empty());
}

TEST_F(MxTest, BusyListenerSays421) {
    ListenerConfig listener;
    listener.max_connections_per_ip = 1;
    start(Mode::smtp, {}, listener);
    Client first = connect();
    Client second(client_io, this->listener->port());
    EXPECT_EQ(second.reply(), "421 4.3.2 Too many connections, try again later");
    EXPECT_TRUE(second.closed());
}

TEST_F(MxTest, ServiceFailuresAreTemporaryReplies) {
    start(Mode::smtp);
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    mail.throw_on_check = true;
    EXPECT_EQ(c.cmd("RCPT TO:<alice@example.test>"), "451 4.3.0 Local error, try again later");
    mail.throw_on_check = false;
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"),
                StartsWith("250"));  // still in the transaction
    mail.throw_on_deliver = true;
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_EQ(c.cmd("Subject: x\r\n\r\nbody\r\n."),
              "451 4.3.0 Local delivery failed, try again later");
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
}

TEST_F(MxTest, PartialDeliveryFailureStillAcceptsTheMessage) {
    mail.failing = {"bob@example.test"};
    start(Mode::smtp);
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_EQ(c.cmd("Subject: x\r\n\r\nbody\r\n."), "452 4.2.2 Mailbox full");
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("Subject: x\r\n\r\nbody\r\n."), StartsWith("250 2.0.0 Delivered"));
}

// An alias that forwards outside: the local copy is delivered with Return-Path:, the forwarded
// one is queued with the original sender, the Received: field and no Return-Path:, and it names
// the address it was sent to (RFC 3461 §4.2). Nobody authenticated, so nobody gets its DSNs.
TEST_F(MxTest, ForwardingAliasQueuesTheOutsideCopy) {
    start(Mode::smtp);
    Client c = ready();
    EXPECT_EQ(c.cmd("MAIL FROM:<sender@remote.test> ENVID=e1"), "250 2.1.0 Sender OK");
    EXPECT_EQ(c.cmd("RCPT TO:<both@example.test> NOTIFY=FAILURE"), "250 2.1.5 Recipient OK");
    EXPECT_EQ(c.cmd("RCPT TO:<fwd@example.test>"), "250 2.1.5 Recipient OK");
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("Subject: x\r\n\r\nbody\r\n."), StartsWith("250 2.0.0 Queued as "));
    auto q = mail.queued();
    ASSERT_EQ(q.size(), 1U);
    const OutboundMessage& m = q[0].message;
    EXPECT_EQ(m.sender, "sender@remote.test");
    EXPECT_EQ(m.account, "");
    EXPECT_EQ(m.params.envid, "e1");
    ASSERT_EQ(m.recipients.size(), 2U);
    EXPECT_EQ(m.recipients[0].address, "bob@elsewhere.test");
    ASSERT_TRUE(m.recipients[0].orcpt);
    EXPECT_EQ(m.recipients[0].orcpt->address, "both@example.test");
    ASSERT_TRUE(m.recipients[0].notify);
    EXPECT_TRUE(m.recipients[0].notify->failure);
    EXPECT_EQ(m.recipients[1].address, "someone@elsewhere.test");
    EXPECT_THAT(q[0].content, StartsWith("Received: from client.example"));
    EXPECT_THAT(q[0].content, HasSubstr("\r\nSubject: x\r\n\r\nbody\r\n"));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].accounts, std::vector<std::string>{"bob@example.test"});
    EXPECT_THAT(d[0].message, StartsWith("Return-Path: <sender@remote.test>\r\nReceived: "));
}

// A queue that cannot take the message: the client is told to retry, nothing is half-accepted.
TEST_F(MxTest, QueueFailureIsATemporaryFailure) {
    start(Mode::smtp);
    mail.throw_on_enqueue = true;
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<sender@remote.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<fwd@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_EQ(c.cmd("Subject: x\r\n\r\nbody\r\n."),
              "451 4.3.0 Local delivery failed, try again later");
    EXPECT_TRUE(mail.delivered().empty());
}

}  // namespace
}  // namespace sealbox::smtp::test

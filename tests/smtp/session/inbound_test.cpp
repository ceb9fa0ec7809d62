// What the MX does with the verdict of mail authentication: our Authentication-Results on what it
// delivers, 550 5.7.1 for a DMARC reject, Junk for quarantine, an ARC set on forwarded copies, and
// no checks at all for submission and LMTP.

#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

class InboundTest : public SessionTest {
  protected:
    void start_checked(Mode mode) {
        inbound = &checks;
        start(mode);
    }

    // One message from sender@remote.test to `recipient`; returns the reply to its end.
    std::string send_message(Client& c, std::string_view recipient) {
        EXPECT_THAT(c.cmd("MAIL FROM:<sender@remote.test>"), StartsWith("250"));
        EXPECT_THAT(c.cmd("RCPT TO:<" + std::string(recipient) + ">"), StartsWith("250"));
        EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
        return c.cmd("From: someone@forged.test\r\nSubject: x\r\n\r\nbody\r\n.");
    }

    FakeInboundChecks checks;
};

TEST_F(InboundTest, DeliveredMailCarriesTheVerdictAndTheEnvelopeWasChecked) {
    start_checked(Mode::smtp);
    Client c = ready("EHLO client.example");
    EXPECT_THAT(send_message(c, "alice@example.test"), StartsWith("250 2.0.0 Delivered as "));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].folder, "INBOX");
    // Return-Path goes on top at final delivery; our field is above the Received it describes.
    EXPECT_THAT(d[0].message, StartsWith("Return-Path: <sender@remote.test>\r\n"
                                         "Authentication-Results: mx.example.test; fake\r\n"
                                         "Received: from client.example"));
    ASSERT_EQ(checks.envelopes.size(), 1U);
    EXPECT_EQ(checks.envelopes[0].client_ip, "127.0.0.1");
    EXPECT_EQ(checks.envelopes[0].helo, "client.example");
    EXPECT_EQ(checks.envelopes[0].mail_from, "sender@remote.test");
    EXPECT_EQ(checks.envelopes[0].forwarding_domain, "");
}

TEST_F(InboundTest, NullSenderIsCheckedWithAnEmptyMailFrom) {
    start_checked(Mode::smtp);
    Client c = ready();
    EXPECT_THAT(c.cmd("MAIL FROM:<>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("Subject: bounce\r\n\r\nx\r\n."), StartsWith("250"));
    ASSERT_EQ(checks.envelopes.size(), 1U);
    EXPECT_EQ(checks.envelopes[0].mail_from, "");
}

TEST_F(InboundTest, RejectIsRefusedWith550AndNothingIsDelivered) {
    checks.action = InboundVerdict::Action::reject;
    start_checked(Mode::smtp);
    Client c = ready();
    EXPECT_EQ(send_message(c, "alice@example.test"),
              "550 5.7.1 Rejected by DMARC policy of forged.test");
    EXPECT_TRUE(mail.delivered().empty());
    EXPECT_TRUE(mail.queued().empty());
    // The session goes on: the next transaction starts afresh.
    EXPECT_THAT(c.cmd("MAIL FROM:<x@remote.test>"), StartsWith("250"));
}

TEST_F(InboundTest, QuarantineGoesToJunk) {
    checks.action = InboundVerdict::Action::junk;
    start_checked(Mode::smtp);
    Client c = ready();
    EXPECT_THAT(send_message(c, "alice@example.test"), StartsWith("250 2.0.0 Delivered as "));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].folder, "Junk");
}

TEST_F(InboundTest, ForwardedCopiesAreSealedAndLocalOnesAreNot) {
    start_checked(Mode::smtp);
    Client c = ready();
    EXPECT_THAT(send_message(c, "both@example.test"), StartsWith("250"));
    ASSERT_EQ(checks.envelopes.size(), 1U);
    EXPECT_EQ(checks.envelopes[0].forwarding_domain, "example.test");
    auto q = mail.queued();
    ASSERT_EQ(q.size(), 1U);
    EXPECT_THAT(q[0].content, StartsWith("ARC-Seal: i=1; fake\r\n"
                                         "Authentication-Results: mx.example.test; fake\r\n"));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_THAT(d[0].message, Not(HasSubstr("ARC-Seal")));
    EXPECT_THAT(d[0].message, HasSubstr("Authentication-Results: mx.example.test; fake\r\n"));
}

TEST_F(InboundTest, LmtpIsNotChecked) {
    start_checked(Mode::lmtp);
    Client c = ready("LHLO client.example");
    EXPECT_THAT(send_message(c, "alice@example.test"), StartsWith("250"));
    EXPECT_TRUE(checks.envelopes.empty());
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_THAT(d[0].message, Not(HasSubstr("Authentication-Results")));
}

}  // namespace
}  // namespace sealbox::smtp::test

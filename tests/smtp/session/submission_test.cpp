// Submission (RFC 6409) and STARTTLS (RFC 3207): AUTH only over TLS, MAIL only after AUTH,
// senders and From: owned by the user, the auth throttle.

#include "core/base64.h"
#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

std::string plain(std::string_view user, std::string_view password) {
    return base64_encode(std::string("\0", 1) + std::string(user) + std::string("\0", 1) +
                         std::string(password));
}

class SubmissionTest : public SessionTest {
  protected:
    // Past STARTTLS and the second EHLO.
    Client secured() {
        Client c = ready();
        EXPECT_EQ(c.cmd("STARTTLS"), "220 2.0.0 Ready to start TLS");
        c.starttls();
        EXPECT_THAT(c.cmd("EHLO client.example"), StartsWith("250"));
        return c;
    }

    Client logged_in() {
        Client c = secured();
        EXPECT_EQ(c.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")),
                  "235 2.7.0 Authentication successful");
        return c;
    }
};

TEST_F(SubmissionTest, NoAuthBeforeTls) {
    start(Mode::submission);
    Client c = connect();
    std::string ehlo = c.cmd("EHLO client.example");
    EXPECT_THAT(ehlo, HasSubstr("STARTTLS"));
    EXPECT_THAT(ehlo, Not(HasSubstr("AUTH")));
    EXPECT_EQ(c.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")),
              "530 5.7.0 Must issue a STARTTLS command first");
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "530 5.7.0 Authentication required");
    EXPECT_EQ(mail.auth_calls, 0);
}

TEST_F(SubmissionTest, StartTlsOffersAuthAndRequireTls) {
    start(Mode::submission);
    Client c = secured();
    std::string ehlo = c.cmd("EHLO client.example");
    EXPECT_THAT(ehlo, HasSubstr("250-REQUIRETLS"));
    EXPECT_THAT(ehlo, HasSubstr("250 AUTH PLAIN LOGIN"));
    EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));
    EXPECT_EQ(c.cmd("STARTTLS"), "503 5.5.1 TLS already active");
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "530 5.7.0 Authentication required");
}

// CVE-2011-0411: commands sent in the clear behind STARTTLS must not run inside TLS.
TEST_F(SubmissionTest, CommandsPipelinedAfterStartTlsAreDiscarded) {
    start(Mode::submission);
    Client c = ready();
    c.send("STARTTLS\r\nEHLO injected.example\r\nAUTH PLAIN " +
           plain("alice@example.test", "alice-pw") + "\r\nMAIL FROM:<alice@example.test>\r\n");
    EXPECT_EQ(c.reply(), "220 2.0.0 Ready to start TLS");
    c.starttls();
    // Neither the EHLO nor the AUTH happened: MAIL still needs a hello, then AUTH.
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "503 5.5.1 Send EHLO first");
    EXPECT_THAT(c.cmd("EHLO client.example"), StartsWith("250"));
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "530 5.7.0 Authentication required");
    EXPECT_EQ(mail.auth_calls, 0);
}

TEST_F(SubmissionTest, StartTlsRules) {
    start(Mode::smtp);
    Client c = connect();
    EXPECT_EQ(c.cmd("STARTTLS"), "503 5.5.1 Send EHLO first");
    EXPECT_THAT(c.cmd("EHLO client.example"), StartsWith("250"));
    EXPECT_EQ(c.cmd("STARTTLS now"), "501 5.5.4 Syntax error, no parameters allowed");
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test>"), StartsWith("250"));
    EXPECT_EQ(c.cmd("STARTTLS"), "503 5.5.1 STARTTLS not allowed during a mail transaction");
    EXPECT_EQ(c.cmd("RSET"), "250 2.0.0 OK");
    EXPECT_EQ(c.cmd("STARTTLS"), "220 2.0.0 Ready to start TLS");
    c.starttls();
    EXPECT_THAT(c.cmd("EHLO client.example"), StartsWith("250"));
    EXPECT_THAT(c.cmd("MAIL FROM:<a@remote.test> REQUIRETLS"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("Subject: x\r\n\r\nbody\r\n."), StartsWith("250"));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_THAT(d[0].message, HasSubstr("\r\n\t(using TLSv1.3 with cipher TLS_"));
    EXPECT_THAT(d[0].message, HasSubstr(" with ESMTPS id "));
}

TEST_F(SubmissionTest, SubmitsAsTheUser) {
    start(Mode::submission);
    Client c = logged_in();
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "250 2.1.0 Sender OK");
    EXPECT_EQ(c.cmd("RCPT TO:<friend@elsewhere.test> NOTIFY=SUCCESS,DELAY"),
              "250 2.1.5 Recipient OK");
    EXPECT_EQ(c.cmd("RCPT TO:<bob@example.test>"), "250 2.1.5 Recipient OK");
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("From: Alice <alice@example.test>\r\nSubject: x\r\n\r\nhi\r\n."),
                StartsWith("250 2.0.0 Queued as "));
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].accounts, std::vector<std::string>{"bob@example.test"});
    EXPECT_THAT(d[0].message, HasSubstr(" with ESMTPSA id "));
    auto q = mail.queued();
    ASSERT_EQ(q.size(), 1U);
    EXPECT_EQ(q[0].message.account, "alice@example.test");
    EXPECT_EQ(q[0].message.sender, "alice@example.test");
    ASSERT_EQ(q[0].message.recipients.size(), 1U);
    EXPECT_EQ(q[0].message.recipients[0].address, "friend@elsewhere.test");
    EXPECT_FALSE(q[0].message.recipients[0].orcpt);
    EXPECT_TRUE(q[0].message.recipients[0].notify->delay);
    EXPECT_THAT(q[0].content, Not(HasSubstr("Return-Path:")));
    // Signed by the author's domain, below our Received field.
    EXPECT_EQ(mail.signed_domains, std::vector<std::string>{"example.test"});
    EXPECT_THAT(q[0].content, HasSubstr("\r\nDKIM-Signature: v=1; d=example.test\r\n"
                                        "From: Alice <alice@example.test>\r\n"));
    EXPECT_EQ(c.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")),
              "503 5.5.1 Already authenticated");
}

TEST_F(SubmissionTest, SenderMustBeOwned) {
    start(Mode::submission);
    Client c = logged_in();
    EXPECT_EQ(c.cmd("MAIL FROM:<bob@example.test>"),
              "553 5.7.1 Sender address not owned by the authenticated user");
    EXPECT_EQ(c.cmd("MAIL FROM:<ceo@elsewhere.test>"),
              "553 5.7.1 Sender address not owned by the authenticated user");
    EXPECT_THAT(c.cmd("MAIL FROM:<sales@example.test>"), StartsWith("250"));  // an alias of hers
    EXPECT_THAT(c.cmd("RSET"), StartsWith("250"));
    EXPECT_THAT(c.cmd("MAIL FROM:<alice+tag@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RSET"), StartsWith("250"));
    EXPECT_THAT(c.cmd("MAIL FROM:<>"), StartsWith("250"));
}

TEST_F(SubmissionTest, FromHeaderMustBeOwned) {
    start(Mode::submission);
    Client c = logged_in();
    const std::pair<std::string, std::string> cases[] = {
        {"From: Bob <bob@example.test>\r\n",
         "550 5.7.1 From: address not owned by the authenticated user"},
        {"From: \"alice@example.test\" <bob@example.test>\r\n",
         "550 5.7.1 From: address not owned by the authenticated user"},
        {"From: alice@example.test, bob@example.test\r\nSender: alice@example.test\r\n",
         "550 5.7.1 From: address not owned by the authenticated user"},
        {"From: alice@example.test\r\nFrom: bob@example.test\r\n",
         "550 5.6.0 Message has more than one From: header field"},
        {"To: bob@example.test\r\n", "550 5.6.0 Message has no From: header field"},
        {"From: undisclosed:;\r\n", "550 5.6.0 Malformed From: header field"},
    };
    for (const auto& [header, expected] : cases) {
        EXPECT_THAT(c.cmd("MAIL FROM:<alice@example.test>"), StartsWith("250"));
        EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
        EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
        EXPECT_EQ(c.cmd(header + "Subject: x\r\n\r\nbody\r\n."), expected) << header;
    }
    EXPECT_TRUE(mail.delivered().empty());
    EXPECT_THAT(c.cmd("MAIL FROM:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("From: (the boss)\r\n  Alice <ALICE@example.test>,\r\n "
                      "sales@example.test\r\n\r\nx\r\n."),
                StartsWith("250"));
}

TEST_F(SubmissionTest, SubmissionIsNotCheckedAsInbound) {
    FakeInboundChecks checks;
    inbound = &checks;
    start(Mode::submission);
    Client c = logged_in();
    EXPECT_THAT(c.cmd("MAIL FROM:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<bob@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_THAT(c.cmd("From: alice@example.test\r\n\r\nx\r\n."), StartsWith("250"));
    EXPECT_TRUE(checks.envelopes.empty());
}

// A message that would leave unsigned is refused for now, not sent: receivers enforcing the
// domain's DMARC policy would refuse it anyway.
TEST_F(SubmissionTest, SigningFailureIsTemporary) {
    mail.throw_on_sign = true;
    start(Mode::submission);
    Client c = logged_in();
    EXPECT_THAT(c.cmd("MAIL FROM:<alice@example.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("RCPT TO:<friend@elsewhere.test>"), StartsWith("250"));
    EXPECT_THAT(c.cmd("DATA"), StartsWith("354"));
    EXPECT_EQ(c.cmd("From: alice@example.test\r\n\r\nx\r\n."),
              "451 4.3.0 Local error, try again later");
    EXPECT_TRUE(mail.queued().empty());
}

TEST_F(SubmissionTest, AuthLoginAndItsErrors) {
    start(Mode::submission);
    Client c = secured();
    EXPECT_EQ(c.cmd("AUTH CRAM-MD5"), "504 5.5.4 Unrecognized authentication type");
    EXPECT_EQ(c.cmd("AUTH LOGIN"), "334 VXNlcm5hbWU6");
    EXPECT_EQ(c.cmd("*"), "501 5.0.0 Authentication canceled");
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "334 ");
    EXPECT_EQ(c.cmd("not base64!"), "501 5.5.2 Cannot decode response");
    EXPECT_EQ(c.cmd("AUTH PLAIN " + base64_encode("no separators")),
              "501 5.5.2 Cannot decode response");
    EXPECT_EQ(c.cmd("AUTH PLAIN " + base64_encode(std::string("bob@example.test") + '\0' +
                                                  "alice@example.test" + '\0' + "alice-pw")),
              "535 5.7.8 Authentication credentials invalid");
    EXPECT_EQ(c.cmd("AUTH LOGIN Zh=="), "501 5.5.2 Cannot decode response");
    EXPECT_EQ(c.cmd("AUTH LOGIN " + base64_encode("bob@example.test")), "334 UGFzc3dvcmQ6");
    EXPECT_EQ(c.cmd(base64_encode("bob-pw")), "235 2.7.0 Authentication successful");
    EXPECT_THAT(c.cmd("MAIL FROM:<bob@example.test>"), StartsWith("250"));
    EXPECT_EQ(c.cmd("AUTH LOGIN"), "503 5.5.1 Already authenticated");
}

TEST_F(SubmissionTest, FailedLoginsAreSlowedThenBanned) {
    start(Mode::submission);
    Client c = secured();
    const std::string wrong = "AUTH PLAIN " + plain("alice@example.test", "guess");
    EXPECT_EQ(c.cmd(wrong), "535 5.7.8 Authentication credentials invalid");
    EXPECT_EQ(c.cmd(wrong), "535 5.7.8 Authentication credentials invalid");
    auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(c.cmd(wrong), "535 5.7.8 Authentication credentials invalid");
    EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(190));
    // The fourth failure from this address starts the ban.
    EXPECT_EQ(c.cmd(wrong), "535 5.7.8 Authentication credentials invalid");
    EXPECT_EQ(c.reply(), "421 4.7.0 mx.example.test Too many failed logins, try again later");
    EXPECT_TRUE(c.closed());
    // A new connection from the banned address gets no password check at all.
    int calls = mail.auth_calls;
    Client again = secured();
    EXPECT_EQ(again.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")),
              "421 4.7.0 mx.example.test Too many failed logins, try again later");
    EXPECT_TRUE(again.closed());
    EXPECT_EQ(mail.auth_calls, calls);
}

TEST_F(SubmissionTest, ImplicitTls) {
    start(Mode::submissions);
    Client c = connect();  // TLS from the first byte
    std::string ehlo = c.cmd("EHLO client.example");
    EXPECT_THAT(ehlo, HasSubstr("AUTH PLAIN LOGIN"));
    EXPECT_THAT(ehlo, Not(HasSubstr("STARTTLS")));
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "530 5.7.0 Authentication required");
    EXPECT_EQ(c.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")),
              "235 2.7.0 Authentication successful");
    EXPECT_THAT(c.cmd("MAIL FROM:<alice@example.test>"), StartsWith("250"));
}

TEST_F(SubmissionTest, HourlySendingLimit) {
    start(Mode::submission);
    mail.submissions_left = 1;
    Client c = logged_in();
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"), "250 2.1.0 Sender OK");
    EXPECT_EQ(c.cmd("RSET"), "250 2.0.0 OK");
    EXPECT_EQ(c.cmd("MAIL FROM:<alice@example.test>"),
              "450 4.7.1 Hourly sending limit reached, try again later");
}

}  // namespace
}  // namespace sealbox::smtp::test

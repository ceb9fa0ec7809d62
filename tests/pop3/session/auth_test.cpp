// AUTHORIZATION state: CAPA, STLS (RFC 2595), USER/PASS (RFC 1939 §7), AUTH PLAIN (RFC 5034),
// no password before TLS, response codes (RFC 2449 §8, RFC 3206), the auth throttle.

#include "pop3/session/fixture.h"

namespace sealbox::pop3::test {
namespace {

TEST_F(Pop3Test, CapaBeforeTlsOffersStlsAndNoPassword) {
    start();
    Client c = connect();
    EXPECT_EQ(c.cmd("CAPA"), "+OK Capability list follows");
    EXPECT_THAT(c.body(),
                ElementsAre("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING", "STLS"));
}

TEST_F(Pop3Test, CapaAfterStlsOffersUserAndSasl) {
    start();
    Client c = secured();
    EXPECT_EQ(c.cmd("CAPA"), "+OK Capability list follows");
    EXPECT_THAT(c.body(), ElementsAre("TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
                                      "USER", "SASL PLAIN"));
    EXPECT_EQ(c.cmd("STLS"), "-ERR TLS already active");
}

TEST_F(Pop3Test, NoPasswordBeforeTls) {
    start();
    Client c = connect();
    const std::string refusal = "-ERR Send STLS first: no password over an unencrypted connection";
    EXPECT_EQ(c.cmd("USER alice@example.test"), refusal);
    EXPECT_EQ(c.cmd("PASS alice-pw"), refusal);
    EXPECT_EQ(c.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")), refusal);
    EXPECT_EQ(c.cmd("AUTH"), refusal);
    EXPECT_EQ(c.cmd("STAT"), "-ERR Command not valid before login");
    EXPECT_EQ(maildrops.login_calls, 0);
}

TEST_F(Pop3Test, UserPassLogsIn) {
    maildrops.inbox = {"Subject: a\r\n\r\nhello\r\n", "Subject: b\r\n\r\nworld!\r\n"};
    start();
    Client c = secured();
    EXPECT_EQ(c.cmd("USER alice@example.test"), "+OK Send the password");
    EXPECT_EQ(c.cmd("PASS alice-pw"), "+OK Logged in, 2 messages (43 octets)");
    EXPECT_EQ(c.cmd("USER bob@example.test"), "-ERR Command not valid in the TRANSACTION state");
    EXPECT_EQ(c.cmd("STAT"), "+OK 2 43");
}

TEST_F(Pop3Test, WrongPasswordIsAnAuthFailure) {
    start();
    Client c = secured();
    EXPECT_EQ(c.cmd("USER alice@example.test"), "+OK Send the password");
    EXPECT_EQ(c.cmd("PASS wrong"), "-ERR [AUTH] Invalid user name or password");
    // RFC 1939 §7: back to the start of AUTHORIZATION; USER again before PASS.
    EXPECT_EQ(c.cmd("PASS alice-pw"), "-ERR Send USER first");
    EXPECT_EQ(c.cmd("USER nobody@example.test"), "+OK Send the password");
    EXPECT_EQ(c.cmd("PASS alice-pw"), "-ERR [AUTH] Invalid user name or password");
    EXPECT_EQ(c.cmd("USER alice@example.test"), "+OK Send the password");
    EXPECT_THAT(c.cmd("PASS alice-pw"), StartsWith("+OK Logged in"));
}

TEST_F(Pop3Test, AuthPlainWithInitialResponse) {
    start(true);
    Client c = secured();
    EXPECT_EQ(c.cmd("AUTH"), "+OK Supported mechanisms");
    EXPECT_THAT(c.body(), ElementsAre("PLAIN"));
    EXPECT_EQ(c.cmd("AUTH PLAIN " + plain("alice@example.test", "wrong")),
              "-ERR [AUTH] Invalid user name or password");
    EXPECT_THAT(c.cmd("AUTH PLAIN " + plain("alice@example.test", "alice-pw")),
                StartsWith("+OK Logged in"));
}

TEST_F(Pop3Test, AuthPlainWithContinuation) {
    start();
    Client c = secured();
    EXPECT_EQ(c.cmd("AUTH CRAM-MD5"), "-ERR Unsupported authentication mechanism");
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "+ ");
    EXPECT_EQ(c.cmd("*"), "-ERR Authentication canceled");
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "+ ");
    EXPECT_EQ(c.cmd("not base64!"), "-ERR Cannot decode response");
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "+ ");
    EXPECT_EQ(c.cmd(base64_encode("no separators")), "-ERR Cannot decode response");
    EXPECT_EQ(c.cmd("AUTH PLAIN"), "+ ");
    EXPECT_THAT(c.cmd(plain("alice@example.test", "alice-pw")), StartsWith("+OK Logged in"));
}

TEST_F(Pop3Test, ProxyAuthorizationIsRefused) {
    start();
    Client c = secured();
    std::string as_bob =
        base64_encode(std::string("bob@example.test\0alice@example.test\0"
                                  "alice-pw",
                                  43));
    EXPECT_EQ(c.cmd("AUTH PLAIN " + as_bob), "-ERR [AUTH] Invalid user name or password");
    EXPECT_EQ(maildrops.login_calls, 0);
}

// RFC 1939 §8, RFC 2449 §8.1.2: one session at a time per maildrop.
TEST_F(Pop3Test, SecondSessionGetsInUse) {
    start();
    Client first = logged_in();
    Client second = secured();
    EXPECT_EQ(second.cmd("USER alice@example.test"), "+OK Send the password");
    EXPECT_EQ(second.cmd("PASS alice-pw"),
              "-ERR [IN-USE] Maildrop already in use by another POP3 session");
    // Another account is not held up; and once the first session is gone, the maildrop is free.
    EXPECT_EQ(second.cmd("USER bob@example.test"), "+OK Send the password");
    EXPECT_THAT(second.cmd("PASS bob-pw"), StartsWith("+OK Logged in"));
    first.close();
    ASSERT_TRUE(released());
    Client third = logged_in();
}

TEST_F(Pop3Test, StoreFailureIsTemporary) {
    maildrops.throw_on_login = true;
    start();
    Client c = secured();
    EXPECT_EQ(c.cmd("USER alice@example.test"), "+OK Send the password");
    EXPECT_EQ(c.cmd("PASS alice-pw"), "-ERR [SYS/TEMP] Temporary authentication failure");
}

TEST_F(Pop3Test, RepeatedFailuresAreSlowedThenBanned) {
    start();
    Client c = secured();
    auto begin = std::chrono::steady_clock::now();
    std::string last;
    for (int i = 0; i < 4; ++i) {
        EXPECT_EQ(c.cmd("USER alice@example.test"), "+OK Send the password");
        last = c.cmd("PASS guess" + std::to_string(i));
    }
    // Two free failures, then 200 and 400 ms of delay.
    EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(500));
    EXPECT_EQ(last,
              "-ERR [AUTH] Invalid user name or password; too many failures, closing connection");
    EXPECT_TRUE(c.closed());
    Client again = secured();
    EXPECT_EQ(again.cmd("USER alice@example.test"), "+OK Send the password");
    EXPECT_EQ(again.cmd("PASS alice-pw"),
              "-ERR [SYS/TEMP] Too many failed logins, try again later");
    EXPECT_TRUE(again.closed());
}

// CVE-2011-0411: commands sent in the clear behind STLS must not run inside TLS.
TEST_F(Pop3Test, CommandsPipelinedAfterStlsAreDiscarded) {
    start();
    Client c = connect();
    c.send("STLS\r\nUSER alice@example.test\r\nPASS alice-pw\r\n");
    EXPECT_EQ(c.line(), "+OK Begin TLS negotiation");
    c.starttls();
    EXPECT_EQ(c.cmd("STAT"), "-ERR Command not valid before login");
    EXPECT_EQ(c.cmd("PASS alice-pw"), "-ERR Send USER first");
    EXPECT_EQ(maildrops.login_calls, 0);
}

TEST_F(Pop3Test, QuitBeforeLogin) {
    start();
    Client c = connect();
    EXPECT_EQ(c.cmd("QUIT"), "+OK mail.example.test Sealbox POP3 server signing off");
    EXPECT_TRUE(c.closed());
}

}  // namespace
}  // namespace sealbox::pop3::test

// Greeting, capabilities, STARTTLS, login, states and bad input (RFC 9051 §6.1-6.2, §7.1).

#include "imap/session/fixture.h"

namespace sealbox::imap::test {
namespace {

std::string plain(std::string_view user, std::string_view password) {
    // base64 of "\0user\0password" for the two accounts used here
    if (user == "alice@example.test" && password == "alice-pw") {
        return "AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==";
    }
    return "AGFsaWNlQGV4YW1wbGUudGVzdAB3cm9uZw==";  // alice, "wrong"
}

TEST_F(SessionTest, PlainPortRequiresStartTlsBeforeLogin) {
    start(Mode::imap);
    Client c(client_io, listener->port());
    std::string greeting = c.line();
    EXPECT_THAT(greeting, HasSubstr("STARTTLS LOGINDISABLED"));
    EXPECT_THAT(greeting, Not(HasSubstr("AUTH=PLAIN")));
    EXPECT_THAT(greeting, EndsWith("] Sealbox ready"));
    EXPECT_EQ(c.cmd("LOGIN alice@example.test alice-pw"),
              "a NO [PRIVACYREQUIRED] Use STARTTLS first");
    EXPECT_EQ(c.cmd("AUTHENTICATE PLAIN " + plain("alice@example.test", "alice-pw")),
              "a NO [PRIVACYREQUIRED] Use STARTTLS first");
    EXPECT_EQ(mail.logins, 0);
    EXPECT_EQ(c.cmd("STARTTLS"), "a OK Begin TLS negotiation now");
    c.starttls();
    std::string caps = c.cmd("CAPABILITY");
    EXPECT_THAT(caps, HasSubstr("AUTH=PLAIN SASL-IR"));
    EXPECT_THAT(caps, Not(HasSubstr("STARTTLS")));
    EXPECT_THAT(caps, Not(HasSubstr("LOGINDISABLED")));
    EXPECT_THAT(c.cmd("LOGIN alice@example.test alice-pw"), StartsWith("a OK [CAPABILITY"));
}

// CVE-2011-0411: commands pipelined in the clear after STARTTLS must not run inside TLS.
TEST_F(SessionTest, CommandsPipelinedAfterStartTlsAreDiscarded) {
    start(Mode::imap);
    Client c(client_io, listener->port());
    c.line();
    c.send("a STARTTLS\r\nb LOGIN alice@example.test alice-pw\r\n");
    EXPECT_EQ(c.until("a"), "a OK Begin TLS negotiation now");
    c.starttls();
    EXPECT_EQ(c.cmd("SELECT INBOX", "c"), "c BAD Log in first");
    EXPECT_EQ(mail.logins, 0);
}

TEST_F(SessionTest, CapabilitiesAfterLogin) {
    start();
    Client c = connect();
    std::string ok = c.cmd("LOGIN alice@example.test alice-pw");
    EXPECT_THAT(ok, HasSubstr("IDLE"));
    EXPECT_THAT(ok, HasSubstr("APPENDLIMIT=1048576"));
    EXPECT_THAT(ok, EndsWith("] Logged in"));
    std::string caps = c.cmd("CAPABILITY");
    for (const char* cap : {"ENABLE", "UIDPLUS", "MOVE", "CONDSTORE", "QRESYNC", "SPECIAL-USE",
                            "LIST-STATUS", "ESEARCH", "SEARCHRES", "OBJECTID", "QUOTA"}) {
        EXPECT_THAT(caps, HasSubstr(std::string(" ") + cap)) << cap;
    }
    EXPECT_THAT(caps, Not(HasSubstr("AUTH=PLAIN")));
    std::string words = caps.substr(0, caps.find('\n')) + " ";
    for (const char* cap : {"SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES",
                            "COMPRESS=DEFLATE"}) {
        EXPECT_THAT(words, HasSubstr(std::string(" ") + cap + " ")) << cap;
    }
}

TEST_F(SessionTest, AuthenticatePlain) {
    start();
    Client c = connect();
    // RFC 4959 SASL-IR, then the "+" continuation, and "*" cancelling it.
    EXPECT_EQ(c.cmd("AUTHENTICATE PLAIN " + plain("alice@example.test", "wrong")),
              "a NO [AUTHENTICATIONFAILED] Invalid credentials");
    c.send("b AUTHENTICATE PLAIN\r\n");
    EXPECT_EQ(c.line(), "+ ");
    c.send("*\r\n");
    EXPECT_EQ(c.until("b"), "b BAD Authentication canceled");
    c.send("c AUTHENTICATE PLAIN\r\n");
    EXPECT_EQ(c.line(), "+ ");
    c.send(plain("alice@example.test", "alice-pw") + "\r\n");
    EXPECT_THAT(c.until("c"), StartsWith("c OK [CAPABILITY"));
    EXPECT_EQ(c.cmd("LOGIN alice@example.test alice-pw", "d"), "d BAD Already logged in");
}

TEST_F(SessionTest, WrongPasswordsAreThrottledThenBanned) {
    start();
    Client c = connect();
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(c.cmd("LOGIN alice@example.test nope"),
                  "a NO [AUTHENTICATIONFAILED] Invalid credentials");
    }
    EXPECT_EQ(c.cmd("LOGIN alice@example.test nope"),
              "a NO [AUTHENTICATIONFAILED] Invalid credentials");
    EXPECT_TRUE(c.closed());  // the fourth failure bans the address
    Client d(client_io, listener->port());
    d.starttls();
    d.line();
    EXPECT_EQ(d.cmd("LOGIN alice@example.test alice-pw"),
              "a NO [UNAVAILABLE] Too many failed logins, try again later");
}

TEST_F(SessionTest, StoreFailureAtLogin) {
    start();
    mail.fail_logins = true;
    Client c = connect();
    EXPECT_EQ(c.cmd("LOGIN alice@example.test alice-pw"),
              "a NO [UNAVAILABLE] Temporary authentication failure");
}

TEST_F(SessionTest, LiteralsSynchronizingNonSynchronizingAndRefused) {
    start();
    Client c = connect();
    c.send("a LOGIN {18}\r\n");
    EXPECT_EQ(c.line(), "+ Ready");
    c.send("alice@example.test {8+}\r\nalice-pw\r\n");
    EXPECT_THAT(c.until("a"), StartsWith("a OK [CAPABILITY"));
    // Larger than APPENDLIMIT: refused before the client sends it.
    c.send("b APPEND INBOX {2000000}\r\n");
    EXPECT_EQ(c.until("b"), "b NO [TOOBIG] Literal too big");
    EXPECT_EQ(c.cmd("NOOP", "c"), "c OK NOOP completed");
    // A refused non-synchronizing literal is already on its way: the connection ends.
    c.send("d APPEND INBOX {2000000+}\r\n");
    EXPECT_EQ(c.line(), "d NO [TOOBIG] Literal too big");
    EXPECT_EQ(c.line(), "* BYE Cannot skip a refused literal");
    EXPECT_TRUE(c.closed());
}

TEST_F(SessionTest, BadCommandsAndStates) {
    start();
    Client c = connect();
    EXPECT_EQ(c.cmd("SELECT INBOX"), "a BAD Log in first");
    EXPECT_THAT(c.cmd("FROB"), StartsWith("a BAD Unknown command FROB"));
    EXPECT_EQ(c.cmd("NOOP"), "a OK NOOP completed");
    c.send("\x01\x02\r\n");
    EXPECT_THAT(c.line(), StartsWith("* BAD"));
    c.cmd("LOGIN alice@example.test alice-pw");
    EXPECT_EQ(c.cmd("FETCH 1 FLAGS"), "a BAD No mailbox selected");
    EXPECT_EQ(c.cmd("ID (\"name\" \"test\")"), "* ID (\"name\" \"Sealbox\")\na OK ID completed");
    EXPECT_EQ(c.cmd("NAMESPACE"), "* NAMESPACE ((\"\" \"/\")) NIL NIL\na OK NAMESPACE completed");
    EXPECT_EQ(c.cmd("LOGOUT"), "* BYE Sealbox logging out\na OK LOGOUT completed");
    EXPECT_TRUE(c.closed());
}

TEST_F(SessionTest, TooManyBadCommandsCloseTheConnection) {
    start();
    Client c = connect();
    for (int i = 0; i < 9; ++i) {
        EXPECT_THAT(c.cmd("FROB"), StartsWith("a BAD"));
    }
    c.send("a FROB\r\n");
    EXPECT_THAT(c.line(), StartsWith("a BAD"));
    EXPECT_EQ(c.line(), "* BYE Too many bad commands");
    EXPECT_TRUE(c.closed());
}

TEST_F(SessionTest, EnableAndQuota) {
    start();
    Client c = logged_in();
    EXPECT_EQ(c.cmd("ENABLE IMAP4rev2 QRESYNC FOO"),
              "* ENABLED IMAP4rev2 QRESYNC\na OK ENABLE completed");
    EXPECT_EQ(
        c.cmd("GETQUOTAROOT INBOX"),
        "* QUOTAROOT INBOX \"\"\n* QUOTA \"\" (STORAGE 3 10240)\na OK GETQUOTAROOT completed");
    EXPECT_EQ(c.cmd("GETQUOTA \"\""), "* QUOTA \"\" (STORAGE 3 10240)\na OK GETQUOTA completed");
    c.cmd("SELECT INBOX");
    EXPECT_EQ(c.cmd("ENABLE CONDSTORE"), "a BAD ENABLE is only valid before SELECT");
}

}  // namespace
}  // namespace sealbox::imap::test

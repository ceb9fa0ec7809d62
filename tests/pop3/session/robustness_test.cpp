// Bad input: unknown commands, long lines, the bad-command limit; the busy response.

#include "pop3/session/fixture.h"

namespace sealbox::pop3::test {
namespace {

TEST_F(Pop3Test, UnknownCommandsCloseAfterTheLimit) {
    ListenerConfig listener;
    listener.max_bad_commands = 3;
    start(false, {}, listener);
    Client c = connect();
    EXPECT_EQ(c.cmd("APOP alice@example.test 0123456789abcdef"), "-ERR Unknown command");
    EXPECT_EQ(c.cmd("RETR 1"), "-ERR Command not valid before login");
    EXPECT_EQ(c.cmd("HELO"), "-ERR Unknown command; too many bad commands, closing connection");
    EXPECT_TRUE(c.closed());
}

TEST_F(Pop3Test, LongLinesAreRefused) {
    start();
    Client c = connect();
    // Over RFC 2449 §4's 255 octets, and over the listener's limit.
    EXPECT_EQ(c.cmd("NOOP " + std::string(300, 'x')), "-ERR Line too long");
    EXPECT_EQ(c.cmd("NOOP " + std::string(10000, 'x')), "-ERR Line too long");
    EXPECT_EQ(c.cmd("NOOP"), "+OK");
}

// RFC 1939 §3: the autologout timer of a logged-in session is at least 10 minutes; before login
// the listener's (here very short) idle timeout holds.
TEST_F(Pop3Test, IdleTimeoutIsLongerOnceLoggedIn) {
    ListenerConfig listener;
    listener.idle_timeout = std::chrono::milliseconds(300);
    start(false, {}, listener);
    Client idle = connect();
    Client working = logged_in();
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_TRUE(idle.closed());
    EXPECT_EQ(working.cmd("NOOP"), "+OK");
}

TEST_F(Pop3Test, BusyResponseIsTemporary) {
    EXPECT_EQ(busy_response(), "-ERR [SYS/TEMP] Too many connections, try again later\r\n");
}

}  // namespace
}  // namespace sealbox::pop3::test

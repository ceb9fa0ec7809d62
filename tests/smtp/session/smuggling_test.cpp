// SMTP smuggling (CVE-2023-51764/51765/51766): only <CRLF>.<CRLF> ends DATA. A lone CR or LF
// around the dot never does; under "reject" the whole message is refused, under "normalize" it
// is one message, the would-be second one inside it.

#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

class SmugglingTest : public SessionTest, public ::testing::WithParamInterface<std::string> {};

std::string smuggled(const std::string& fake_end) {
    return "From: a@remote.test\r\nSubject: first\r\n\r\nfirst body" + fake_end +
           "MAIL FROM:<admin@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n"
           "From: admin@example.test\r\nSubject: smuggled\r\n\r\nsecond\r\n.\r\n";
}

void open_transaction(Client& c) {
    c.send("MAIL FROM:<a@remote.test>\r\nRCPT TO:<alice@example.test>\r\nDATA\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250"));
    EXPECT_THAT(c.reply(), StartsWith("250"));
    EXPECT_THAT(c.reply(), StartsWith("354"));
}

TEST_P(SmugglingTest, RejectRefusesTheWholeMessage) {
    start(Mode::smtp);
    Client c = ready();
    open_transaction(c);
    c.send(smuggled(GetParam()));
    c.send("NOOP\r\n");
    // One reply for the data, then the NOOP's: none for the commands hidden in the data.
    EXPECT_EQ(c.reply(), "550 5.6.0 Bare CR or LF in message data");
    EXPECT_EQ(c.reply(), "250 2.0.0 OK");
    EXPECT_TRUE(mail.delivered().empty());
}

TEST_P(SmugglingTest, NormalizeDeliversOneMessageHoldingTheOther) {
    start(Mode::smtp, SessionConfig{.bare_line_endings = BareLineEndings::normalize});
    Client c = ready();
    open_transaction(c);
    c.send(smuggled(GetParam()));
    c.send("NOOP\r\n");
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    EXPECT_EQ(c.reply(), "250 2.0.0 OK");
    auto d = mail.delivered();
    ASSERT_EQ(d.size(), 1U);
    EXPECT_EQ(d[0].accounts, std::vector<std::string>{"alice@example.test"});
    EXPECT_THAT(d[0].message, HasSubstr("Subject: smuggled"));
    // Every line end is a CRLF now.
    for (std::size_t i = 0; i < d[0].message.size(); ++i) {
        if (d[0].message[i] == '\n') {
            ASSERT_GT(i, 0U);
            EXPECT_EQ(d[0].message[i - 1], '\r') << "at " << i;
        }
        if (d[0].message[i] == '\r') {
            ASSERT_LT(i + 1, d[0].message.size());
            EXPECT_EQ(d[0].message[i + 1], '\n') << "at " << i;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(FakeEnds, SmugglingTest,
                         ::testing::Values("\n.\n", "\r.\r", "\r\n.\r", "\r\n.\n", "\n.\r\n",
                                           "\r.\r\n", "\n.\r", "\r\n.\r\r\n"));

TEST_F(SessionTest, BareLfInsideDataIsRefusedEvenWithoutADot) {
    start(Mode::smtp);
    Client c = ready();
    open_transaction(c);
    EXPECT_EQ(c.cmd("Subject: x\r\n\r\nline one\nline two\r\n."),
              "550 5.6.0 Bare CR or LF in message data");
    EXPECT_TRUE(mail.delivered().empty());
}

// The terminator split over many packets still ends the data exactly once.
TEST_F(SessionTest, TerminatorSplitAcrossPackets) {
    start(Mode::smtp);
    Client c = ready();
    open_transaction(c);
    for (const char* piece : {"Subject: x\r\n\r\nbody\r", "\n", ".", "\r", "\nNOOP\r\n"}) {
        c.send(piece);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_THAT(c.reply(), StartsWith("250 2.0.0 Delivered"));
    EXPECT_EQ(c.reply(), "250 2.0.0 OK");
    ASSERT_EQ(mail.delivered().size(), 1U);
    EXPECT_THAT(mail.delivered()[0].message, EndsWith("\r\n\r\nbody\r\n"));
}

}  // namespace
}  // namespace sealbox::smtp::test

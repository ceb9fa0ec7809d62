// Random mixes of commands, half-sent data and garbage: every session ends with well-formed
// replies only, and the server keeps serving. Most useful under the sanitizer build.

#include <random>
#include <regex>

#include "smtp/session/fixture.h"

namespace sealbox::smtp::test {
namespace {

const std::vector<std::string>& pieces() {
    static const std::vector<std::string> kPieces{
        "EHLO x.example\r\n",
        "HELO x.example\r\n",
        "LHLO x.example\r\n",
        "MAIL FROM:<alice@example.test>\r\n",
        "MAIL FROM:<> SIZE=10 BODY=8BITMIME\r\n",
        "MAIL FROM:<a@remote.test> SMTPUTF8 RET=FULL ENVID=x REQUIRETLS AUTH=<>\r\n",
        "RCPT TO:<bob@example.test>\r\n",
        "RCPT TO:<team@example.test> NOTIFY=NEVER\r\n",
        "RCPT TO:<x@elsewhere.test>\r\n",
        "RCPT TO:<Postmaster>\r\n",
        "DATA\r\n",
        "BDAT 5\r\n",
        "BDAT 3 LAST\r\n",
        "BDAT 0 LAST\r\n",
        "BDAT 99999999999999999999\r\n",
        "RSET\r\n",
        "NOOP\r\n",
        "VRFY a\r\n",
        "EXPN a\r\n",
        "HELP\r\n",
        "QUIT\r\n",
        "AUTH PLAIN\r\n",
        "AUTH LOGIN\r\n",
        "AUTH LOGIN YWxpY2VAZXhhbXBsZS50ZXN0\r\n",
        "*\r\n",
        "=\r\n",
        "AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdABhbGljZS1wdw==\r\n",
        "AUTH PLAIN AGFsaWNlQGV4YW1wbGUudGVzdAB3cm9uZw==\r\n",
        ".\r\n",
        "\r\n.\r\n",
        "\n.\n",
        "\r.\r",
        "\n",
        "\r",
        ".",
        "..",
        "From: alice@example.test\r\n",
        "From: <\r\n",
        "\r\n",
        std::string("x\xff\x00\x7f\r\n", 6),
        std::string(700, 'A') + "\r\n",
        std::string(9000, 'B') + "\r\n"};
    return kPieces;
}

std::string random_input(std::mt19937& rng) {
    std::uniform_int_distribution<std::size_t> count(1, 25);
    std::uniform_int_distribution<std::size_t> pick(0, pieces().size() - 1);
    std::string input;
    for (std::size_t n = count(rng); n > 0; --n) {
        input += pieces()[pick(rng)];
    }
    return input;
}

// Every reply line is "ddd", "ddd text" or "ddd-text", nothing else.
void expect_well_formed(const std::string& replies) {
    static const std::regex kLine(R"([2-5][0-5][0-9]([ -].*)?)");
    std::size_t start = 0;
    while (start < replies.size()) {
        std::size_t end = replies.find('\n', start);
        std::string line = replies.substr(start, end - start);
        EXPECT_TRUE(std::regex_match(line, kLine)) << line;
        start = end + 1;
    }
}

class RobustnessTest : public SessionTest, public ::testing::WithParamInterface<Mode> {};

TEST_P(RobustnessTest, RandomInputNeverBreaksTheServer) {
    ListenerConfig listener;
    // Implicit TLS has no half-close the server would notice: the idle timeout ends the session.
    bool tls = GetParam() == Mode::submissions;
    listener.idle_timeout = std::chrono::milliseconds(tls ? 300 : 5000);
    start(GetParam(), SessionConfig{.max_message_size = 8192}, listener);
    std::mt19937 rng(20231218);
    for (int round = 0; round < (tls ? 25 : 150); ++round) {
        Client c(client_io, this->listener->port());
        if (tls) {
            c.starttls();
        }
        std::string input = random_input(rng);
        c.send(input);
        std::string replies = c.drain();
        EXPECT_THAT(replies, StartsWith("220 ")) << input;
        expect_well_formed(replies);
    }
    Client c = connect();
    EXPECT_EQ(c.cmd("NOOP"), "250 2.0.0 OK");
}

INSTANTIATE_TEST_SUITE_P(Modes, RobustnessTest,
                         ::testing::Values(Mode::smtp, Mode::lmtp, Mode::submission,
                                           Mode::submissions));

}  // namespace
}  // namespace sealbox::smtp::test

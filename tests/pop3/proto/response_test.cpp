#include "pop3/proto/response.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sealbox::pop3 {
namespace {

// What a client does with a multi-line response (RFC 1939 §3): the status line, then lines up to
// the lone ".", each with one leading "." removed. Fails the test on anything malformed.
struct Received {
    std::string status;
    std::string body;  // lines joined with CRLF, each ending in CRLF
};

Received unstuff(std::string_view wire) {
    Received r;
    std::size_t end = wire.find("\r\n");
    EXPECT_NE(end, std::string_view::npos);
    r.status = std::string(wire.substr(0, end));
    wire.remove_prefix(end + 2);
    while (true) {
        end = wire.find("\r\n");
        if (end == std::string_view::npos) {
            ADD_FAILURE() << "no terminating .CRLF";
            return r;
        }
        std::string_view line = wire.substr(0, end);
        EXPECT_EQ(line.find('\n'), std::string_view::npos);
        EXPECT_EQ(line.find('\r'), std::string_view::npos);
        wire.remove_prefix(end + 2);
        if (line == ".") {
            EXPECT_TRUE(wire.empty()) << "data after the terminator";
            return r;
        }
        if (!line.empty() && line.front() == '.') {
            line.remove_prefix(1);
        }
        r.body += line;
        r.body += "\r\n";
    }
}

TEST(Pop3Response, StatusLines) {
    EXPECT_EQ(ok(), "+OK\r\n");
    EXPECT_EQ(ok("2 320"), "+OK 2 320\r\n");
    EXPECT_EQ(err("no such message"), "-ERR no such message\r\n");
    EXPECT_EQ(err(""), "-ERR\r\n");
}

TEST(Pop3Response, ExtendedResponseCodes) {  // RFC 2449 §8, RFC 3206
    EXPECT_EQ(err("maildrop locked", ResponseCode::in_use), "-ERR [IN-USE] maildrop locked\r\n");
    EXPECT_EQ(err("wait", ResponseCode::login_delay), "-ERR [LOGIN-DELAY] wait\r\n");
    EXPECT_EQ(err("try later", ResponseCode::sys_temp), "-ERR [SYS/TEMP] try later\r\n");
    EXPECT_EQ(err("broken", ResponseCode::sys_perm), "-ERR [SYS/PERM] broken\r\n");
    EXPECT_EQ(err("bad login", ResponseCode::auth), "-ERR [AUTH] bad login\r\n");
    EXPECT_EQ(err("", ResponseCode::in_use), "-ERR [IN-USE]\r\n");
}

TEST(Pop3Response, CallerTextCannotInjectLines) {
    EXPECT_EQ(ok("a\r\n+OK forged"), "+OK a  +OK forged\r\n");
    EXPECT_EQ(err("x\ny\rz", ResponseCode::auth), "-ERR [AUTH] x y z\r\n");
    EXPECT_EQ(err(std::string("nul\0here", 8)), "-ERR nul here\r\n");
    EXPECT_EQ(auth_challenge("abc\r\n+OK"), "+ abc  +OK\r\n");

    std::vector<std::string> lines{"1 100\r\n.\r\n+OK forged", "2 200"};
    std::string wire = multi_line("2 messages", lines);
    EXPECT_EQ(wire, "+OK 2 messages\r\n1 100  .  +OK forged\r\n2 200\r\n.\r\n");
}

TEST(Pop3Response, StatusLineIsAtMost512Octets) {  // RFC 2449 §4
    std::string wire = err(std::string(2000, 'x'), ResponseCode::sys_temp);
    EXPECT_EQ(wire.size(), 512u);
    EXPECT_EQ(wire.substr(wire.size() - 2), "\r\n");

    // Not cut inside a UTF-8 sequence.
    std::string text;
    for (int i = 0; i < 400; ++i) {
        text += "\xC3\xA9";
    }
    wire = ok(text);
    ASSERT_LE(wire.size(), 512u);
    std::string_view kept = std::string_view(wire).substr(4, wire.size() - 6);
    EXPECT_EQ(kept.size() % 2, 0u);
    EXPECT_EQ(static_cast<unsigned char>(kept.back()), 0xA9);
}

TEST(Pop3Response, MultiLineStuffsLeadingDots) {
    std::vector<std::string> lines{".hidden", "plain", ".", ""};
    std::string wire = multi_line("list", lines);
    EXPECT_EQ(wire, "+OK list\r\n..hidden\r\nplain\r\n..\r\n\r\n.\r\n");
    Received r = unstuff(wire);
    EXPECT_EQ(r.status, "+OK list");
    EXPECT_EQ(r.body, ".hidden\r\nplain\r\n.\r\n\r\n");
}

TEST(Pop3Response, EmptyList) {
    EXPECT_EQ(multi_line("0 messages", {}), "+OK 0 messages\r\n.\r\n");
}

TEST(Pop3Response, Capa) {  // RFC 2449 §5
    std::vector<std::string> caps{"TOP", "UIDL", "SASL PLAIN", "STLS", "USER"};
    EXPECT_EQ(capa_response(caps),
              "+OK Capability list follows\r\nTOP\r\nUIDL\r\nSASL PLAIN\r\nSTLS\r\nUSER\r\n.\r\n");
}

TEST(Pop3Response, AuthChallenge) {  // RFC 5034 §4
    EXPECT_EQ(auth_challenge(""), "+ \r\n");
    EXPECT_EQ(auth_challenge("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"),
              "+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+\r\n");
}

TEST(Pop3Response, MessageByteStuffingRoundTrip) {  // RFC 1939 §3
    const std::string message =
        "From: a@example.org\r\nSubject: dots\r\n\r\n.\r\n..\r\n.leading\r\nmid.dle\r\n"
        "\r\n.\r\nlast\r\n";
    std::string wire = message_response("120 octets", message);
    EXPECT_NE(wire.find("\r\n..\r\n...\r\n..leading\r\n"), std::string::npos);
    EXPECT_EQ(wire.find("\r\n.\r\n"), wire.size() - 5) << "only the terminator is a lone dot";
    Received r = unstuff(wire);
    EXPECT_EQ(r.status, "+OK 120 octets");
    EXPECT_EQ(r.body, message);
}

TEST(Pop3Response, MessageWithoutFinalCrlfIsTerminatedOnItsOwnLine) {
    std::string wire = message_response("", "Subject: x\r\n\r\nno newline");
    EXPECT_EQ(wire, "+OK\r\nSubject: x\r\n\r\nno newline\r\n.\r\n");
    EXPECT_EQ(unstuff(wire).body, "Subject: x\r\n\r\nno newline\r\n");

    EXPECT_EQ(message_response("", "Subject: x\r\n\r\n."), "+OK\r\nSubject: x\r\n\r\n..\r\n.\r\n");
}

TEST(Pop3Response, EmptyMessage) {
    EXPECT_EQ(message_response("0 octets", ""), "+OK 0 octets\r\n.\r\n");
}

TEST(Pop3Response, BareLineEndsCannotHideATerminator) {
    // A bare LF before "." would end the response early for a lenient client.
    std::string wire = message_response("", "a\n.\nb\r.\rc");
    Received r = unstuff(wire);
    EXPECT_EQ(r.body, "a\r\n.\r\nb\r\n.\r\nc\r\n");
}

}  // namespace
}  // namespace sealbox::pop3

#include "smtp/proto/command_writer.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sealbox::smtp {
namespace {

// The server half's reading of a line the client half wrote.
Command read_back(const std::string& line) {
    EXPECT_TRUE(line.ends_with("\r\n"));
    auto parsed = parse_command(line.substr(0, line.size() - 2), CommandLimits{512, 4096});
    EXPECT_TRUE(std::holds_alternative<Command>(parsed)) << line;
    return std::get<Command>(parsed);
}

TEST(CommandWriter, PlainMail) {
    EXPECT_EQ(mail_command("alice@example.test", {}), "MAIL FROM:<alice@example.test>\r\n");
    EXPECT_EQ(mail_command("", {}), "MAIL FROM:<>\r\n");  // the null sender
}

TEST(CommandWriter, MailWithEveryParameterReadsBackTheSame) {
    MailParams params;
    params.size = 12345;
    params.body = Body::eight_bit_mime;
    params.smtputf8 = true;
    params.ret = Ret::hdrs;
    params.envid = "QQ314159 +=x";  // '+', '=' and space need xtext
    params.requiretls = true;
    auto line = mail_command("bob@example.test", params);
    ASSERT_TRUE(line);
    EXPECT_EQ(*line,
              "MAIL FROM:<bob@example.test> SIZE=12345 BODY=8BITMIME SMTPUTF8 RET=HDRS "
              "ENVID=QQ314159+20+2B+3Dx REQUIRETLS\r\n");
    auto mail = std::get<Mail>(read_back(*line));
    ASSERT_TRUE(mail.from);
    EXPECT_EQ(mail.from->str(), "bob@example.test");
    EXPECT_EQ(mail.params.size, 12345U);
    EXPECT_EQ(mail.params.body, Body::eight_bit_mime);
    EXPECT_TRUE(mail.params.smtputf8);
    EXPECT_EQ(mail.params.ret, Ret::hdrs);
    EXPECT_EQ(mail.params.envid, "QQ314159 +=x");
    EXPECT_TRUE(mail.params.requiretls);
}

TEST(CommandWriter, QuotesALocalPartOnlyWhereItMust) {
    EXPECT_EQ(mail_command("\"john doe\"@example.test", {}),
              "MAIL FROM:<\"john doe\"@example.test>\r\n");
    EXPECT_EQ(mail_command("\"john\"@example.test", {}), "MAIL FROM:<john@example.test>\r\n");
    auto rcpt = std::get<Rcpt>(read_back(*rcpt_command("\"a\\\"b\"@example.test", {})));
    EXPECT_EQ(rcpt.to.local_part, "a\"b");
}

TEST(CommandWriter, UnwritableAddressesAreRefused) {
    for (const char* address : {"no-at-sign", "a@b>", "<a@b>", "a@b\r\nRSET", "a@b> SIZE=1",
                                "a b@c", "@b", "Postmaster"}) {
        EXPECT_FALSE(mail_command(address, {})) << address;
    }
    EXPECT_FALSE(rcpt_command("", {}));
    EXPECT_FALSE(rcpt_command("a@b\r\nDATA", {}));
    EXPECT_FALSE(rcpt_command(std::string(65, 'x') + "@example.test", {}));  // RFC 5321 §4.5.3.1.1
    EXPECT_EQ(rcpt_command("Postmaster", {}), "RCPT TO:<Postmaster>\r\n");   // RFC 5321 §4.1.1.3
}

TEST(CommandWriter, RcptWithDsnParametersReadsBackTheSame) {
    RcptParams params;
    params.notify = Notify{false, true, true, false};
    params.orcpt = Orcpt{"rfc822", "Old+Name=x@example.test"};
    auto line = rcpt_command("carol@example.test", params);
    ASSERT_TRUE(line);
    EXPECT_EQ(*line,
              "RCPT TO:<carol@example.test> NOTIFY=SUCCESS,FAILURE "
              "ORCPT=rfc822;Old+2BName+3Dx@example.test\r\n");
    auto rcpt = std::get<Rcpt>(read_back(*line));
    ASSERT_TRUE(rcpt.params.notify);
    EXPECT_TRUE(rcpt.params.notify->success);
    EXPECT_TRUE(rcpt.params.notify->failure);
    EXPECT_FALSE(rcpt.params.notify->delay);
    ASSERT_TRUE(rcpt.params.orcpt);
    EXPECT_EQ(rcpt.params.orcpt->address, "Old+Name=x@example.test");

    EXPECT_EQ(rcpt_command("carol@example.test", RcptParams{Notify{true, false, false, false}, {}}),
              "RCPT TO:<carol@example.test> NOTIFY=NEVER\r\n");
}

TEST(CommandWriter, ParametersTheServerHalfWouldRefuseAreNeverSent) {
    MailParams long_envid;
    long_envid.envid = std::string(101, 'x');  // RFC 3461 §4.4: at most 100
    EXPECT_THROW(mail_command("a@example.test", long_envid), Error);
    MailParams control;
    control.envid = "a\r\nb";  // xtext would carry it, but §4.4 wants printable ASCII
    EXPECT_THROW(mail_command("a@example.test", control), Error);
    EXPECT_THROW(rcpt_command("a@example.test", RcptParams{Notify{}, {}}), Error);
    EXPECT_THROW(rcpt_command("a@example.test", RcptParams{{}, Orcpt{"rfc 822", "a@b"}}), Error);
    EXPECT_THROW(rcpt_command("a@example.test", RcptParams{{}, Orcpt{"rfc822", "a\nb@c"}}), Error);
}

TEST(CommandWriter, Utf8Addresses) {
    MailParams params;
    params.smtputf8 = true;
    auto line = mail_command("jöran@bücher.example", params);
    ASSERT_TRUE(line);
    EXPECT_EQ(*line, "MAIL FROM:<jöran@bücher.example> SMTPUTF8\r\n");
    EXPECT_TRUE(std::get<Mail>(read_back(*line)).from->has_utf8);
}

}  // namespace
}  // namespace sealbox::smtp

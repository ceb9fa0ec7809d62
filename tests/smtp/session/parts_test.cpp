// The session's pure parts: From: field reading, trace fields.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "smtp/session/from_field.h"
#include "smtp/session/trace.h"

namespace sealbox::smtp {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> from_addresses(std::string_view message) {
    FromField f = read_from_field(message);
    std::vector<std::string> out;
    if (f.problem != FromField::Problem::none) {
        out.push_back("problem " + std::to_string(static_cast<int>(f.problem)));
    }
    for (const auto& a : f.addresses) {
        out.push_back(a.str());
    }
    return out;
}

TEST(FromField, ReadsEveryMailboxForm) {
    EXPECT_THAT(from_addresses("From: a@example.test\r\n\r\n"), ElementsAre("a@example.test"));
    EXPECT_THAT(from_addresses("from :  \"Doe, Jane\" <jane@example.test>\r\n\r\n"),
                ElementsAre("jane@example.test"));
    EXPECT_THAT(
        from_addresses("FROM: a@x.test (comment, with comma), B <b@y.test>,\r\n\tc@z.test\r\n"),
        ElementsAre("a@x.test", "b@y.test", "c@z.test"));
    EXPECT_THAT(from_addresses("From: <@relay.test:route@x.test>\r\n"),
                ElementsAre("route@x.test"));
    EXPECT_THAT(from_addresses("From: a@x.test,,\r\n"), ElementsAre("a@x.test"));
    EXPECT_THAT(from_addresses("From: (nested (comment)) a@x.test\r\n"), ElementsAre("a@x.test"));
    EXPECT_THAT(from_addresses("From: Jörg <jörg@x.test>\r\n"), ElementsAre("jörg@x.test"));
    // Only the header section counts.
    EXPECT_THAT(from_addresses("Subject: s\r\n\r\nFrom: b@x.test\r\n"), ElementsAre("problem 1"));
    EXPECT_THAT(from_addresses("Subject: s\r\nX-From: b@x.test\r\n\r\n"), ElementsAre("problem 1"));
}

TEST(FromField, RefusesWhatReadersCouldDisagreeAbout) {
    EXPECT_THAT(from_addresses("From: a@x.test\r\nFrom: b@x.test\r\n"), ElementsAre("problem 2"));
    for (const char* bad : {"From: group: a@x.test;\r\n", "From: <a@x.test> trailing\r\n",
                            "From: <a@x.test\r\n", "From: \"unterminated <a@x.test>\r\n",
                            "From: (open a@x.test\r\n", "From: <a@x.test><b@x.test>\r\n",
                            "From: <>\r\n", "From: \r\n", "From: not an address\r\n",
                            "From: \"quoted local\"@x.test\r\n", "From: <@relay.test>\r\n"}) {
        EXPECT_THAT(from_addresses(bad), ElementsAre("problem 3")) << bad;
    }
}

TEST(Trace, ReceivedFieldFollowsRfc5321) {
    ReceivedInfo info;
    info.helo = "client.example";
    info.client_ip = "2001:db8::1";
    info.hostname = "mx.example.test";
    info.protocol = with_protocol(false, true, true, true);
    info.tls_version = "TLSv1.3";
    info.tls_cipher = "TLS_AES_256_GCM_SHA384";
    info.id = "0123456789ABCDEF";
    info.recipient = "alice@example.test";
    info.time = 1'795'414'681;  // Mon, 23 Nov 2026 06:18:01 UTC
    EXPECT_EQ(received_field(info),
              "Received: from client.example ([IPv6:2001:db8::1])\r\n"
              "\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n"
              "\tby mx.example.test (Sealbox) with ESMTPSA id 0123456789ABCDEF\r\n"
              "\tfor <alice@example.test>;\r\n"
              "\tMon, 23 Nov 2026 06:18:01 +0000\r\n");
    info.helo.clear();
    info.client_ip = "192.0.2.1";
    info.tls_version.clear();
    info.recipient.reset();
    info.protocol = with_protocol(true, true, false, false);
    EXPECT_EQ(received_field(info),
              "Received: from [192.0.2.1]\r\n"
              "\tby mx.example.test (Sealbox) with LMTP id 0123456789ABCDEF;\r\n"
              "\tMon, 23 Nov 2026 06:18:01 +0000\r\n");
}

TEST(Trace, ProtocolNamesOfRfc3848) {
    EXPECT_EQ(with_protocol(false, false, false, false), "SMTP");
    EXPECT_EQ(with_protocol(false, true, false, false), "ESMTP");
    EXPECT_EQ(with_protocol(false, true, true, false), "ESMTPS");
    EXPECT_EQ(with_protocol(false, true, false, true), "ESMTPA");
    EXPECT_EQ(with_protocol(true, true, true, true), "LMTPSA");
}

TEST(Trace, ReturnPath) {
    EXPECT_EQ(return_path_field(std::nullopt), "Return-Path: <>\r\n");
    Mailbox m;
    m.local_part = "a b";
    m.quoted = true;
    m.domain = "x.test";
    EXPECT_EQ(return_path_field(m), "Return-Path: <\"a b\"@x.test>\r\n");
}

}  // namespace
}  // namespace sealbox::smtp

// The check against records served by the real resolver from dns.local_data.
#include "mailauth/dns_records/record_check.h"

#include <gtest/gtest.h>

#include "dns/dns_fixture.h"

namespace sealbox::mailauth::dns_records {
namespace {

Config server_config() {
    Config config = default_config();
    config.server.hostname = "mail.example.test";
    return config;
}

const std::vector<DkimRecord> kDkim{{"sb202311r", "v=DKIM1; k=rsa; p=AAAA"}};

class RecordCheckTest : public dns::testing::DnsTest {
  protected:
    std::vector<RecordCheck> check(std::vector<std::string> zone) {
        ResolverLookup lookup(resolver(std::move(zone)));
        return run(check_records(lookup, expected_records(server_config(), "example.test", kDkim)));
    }
};

const RecordCheck& find(const std::vector<RecordCheck>& checks, std::string_view name,
                        RecordType type) {
    for (const auto& c : checks) {
        if (c.expected.name == name && c.expected.type == type) {
            return c;
        }
    }
    throw std::runtime_error("no check of " + std::string(name));
}

TEST_F(RecordCheckTest, WhatSealboxDnsPrintsChecksOkOncePublished) {
    std::vector<std::string> zone{"mail.example.test. IN A 192.0.2.1"};
    for (const auto& r : expected_records(server_config(), "example.test", kDkim)) {
        zone.push_back(zone_line(r));
    }
    auto checks = check(zone);
    for (const auto& c : checks) {
        EXPECT_EQ(c.status, CheckStatus::ok)
            << zone_line(c.expected) << ": " << to_string(c.status);
    }
    EXPECT_FALSE(needs_attention(checks));
}

TEST_F(RecordCheckTest, SaysWhichRecordsAreMissingOrDifferentAndWhatDnsServes) {
    auto checks = check({
        "example.test. IN MX 10 mail.example.test.",
        "example.test. IN TXT \"google-site-verification=abc\"",  // another kind: left alone
        "example.test. IN TXT \"v=spf1 a -all\"",
        // Split in two strings and written without blanks: the same DKIM record.
        "sb202311r._domainkey.example.test. IN TXT \"v=DKIM1;k=rsa;\" \"p=AAAA\"",
        "_smtp._tls.example.test. IN TXT \"v=TLSRPTv1; rua=mailto:someone@example.test\"",
        "mail.example.test. IN A 192.0.2.1",
        "mta-sts.example.test. IN A 192.0.2.9",
        // RFC 6186: the right host on another port; the right host and port (case aside).
        "_imaps._tcp.example.test. IN SRV 0 1 993 mail.example.test.",
        "_pop3._tcp.example.test. IN SRV 5 0 10110 MAIL.example.test.",
    });
    EXPECT_EQ(find(checks, "example.test", RecordType::mx).status, CheckStatus::ok);
    const auto& spf = find(checks, "example.test", RecordType::txt);
    EXPECT_EQ(spf.status, CheckStatus::different);
    EXPECT_EQ(spf.served, std::vector<std::string>{"v=spf1 a -all"});
    EXPECT_EQ(find(checks, "sb202311r._domainkey.example.test", RecordType::txt).status,
              CheckStatus::ok);
    EXPECT_EQ(find(checks, "_dmarc.example.test", RecordType::txt).status, CheckStatus::missing);
    EXPECT_EQ(find(checks, "_mta-sts.example.test", RecordType::txt).status, CheckStatus::missing);
    const auto& tlsrpt = find(checks, "_smtp._tls.example.test", RecordType::txt);
    EXPECT_EQ(tlsrpt.status, CheckStatus::different);
    EXPECT_EQ(tlsrpt.served,
              std::vector<std::string>{"v=TLSRPTv1; rua=mailto:someone@example.test"});
    const auto& policy_host = find(checks, "mta-sts.example.test", RecordType::cname);
    EXPECT_EQ(policy_host.status, CheckStatus::different);  // reaches another machine
    EXPECT_EQ(policy_host.served, std::vector<std::string>{"192.0.2.9"});
    const auto& imaps = find(checks, "_imaps._tcp.example.test", RecordType::srv);
    EXPECT_EQ(imaps.status, CheckStatus::different);
    EXPECT_EQ(imaps.served, std::vector<std::string>{"0 1 993 mail.example.test"});
    EXPECT_EQ(find(checks, "_pop3._tcp.example.test", RecordType::srv).status, CheckStatus::ok);
    EXPECT_EQ(find(checks, "_submission._tcp.example.test", RecordType::srv).status,
              CheckStatus::missing);
    EXPECT_TRUE(needs_attention(checks));
}

}  // namespace
}  // namespace sealbox::mailauth::dns_records

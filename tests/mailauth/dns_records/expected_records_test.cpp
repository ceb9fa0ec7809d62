#include "mailauth/dns_records/expected_records.h"

#include <gtest/gtest.h>

namespace sealbox::mailauth::dns_records {
namespace {

Config server_config() {
    Config config = default_config();
    config.server.hostname = "mail.example.test";
    config.listeners["submissions"].port = 465;
    config.listeners["submission"].port = 587;
    config.listeners["imaps"].port = 993;
    config.listeners["pop3s"].port = 995;
    config.listeners["imap"].enabled = false;
    config.listeners["pop3"].enabled = false;
    return config;
}

std::vector<std::string> zone(const std::vector<ExpectedRecord>& records) {
    std::vector<std::string> lines;
    for (const auto& r : records) {
        lines.push_back(zone_line(r));
    }
    return lines;
}

TEST(ExpectedRecords, EveryRecordTheDomainPublishesInZoneFileForm) {
    auto config = server_config();
    auto id = mta_sts_id(config);
    std::vector<std::string> expected{
        "example.test.\t3600\tIN\tMX\t10 mail.example.test.",
        "example.test.\t3600\tIN\tTXT\t\"v=spf1 mx -all\"",
        "sb202311r._domainkey.example.test.\t3600\tIN\tTXT\t\"v=DKIM1; k=rsa; p=AAAA\"",
        "sb202311e._domainkey.example.test.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=BBBB\"",
        "_dmarc.example.test.\t3600\tIN\tTXT\t"
        "\"v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@example.test\"",
        "_mta-sts.example.test.\t3600\tIN\tTXT\t\"v=STSv1; id=" + id + "\"",
        "mta-sts.example.test.\t3600\tIN\tCNAME\tmail.example.test.",
        "_smtp._tls.example.test.\t3600\tIN\tTXT\t"
        "\"v=TLSRPTv1; rua=mailto:tls-reports@example.test\"",
        "_submissions._tcp.example.test.\t3600\tIN\tSRV\t0 1 465 mail.example.test.",
        "_submission._tcp.example.test.\t3600\tIN\tSRV\t0 1 587 mail.example.test.",
        "_imaps._tcp.example.test.\t3600\tIN\tSRV\t0 1 993 mail.example.test.",
        "_imap._tcp.example.test.\t3600\tIN\tSRV\t0 0 0 .",  // RFC 6186 §4: not offered
        "_pop3s._tcp.example.test.\t3600\tIN\tSRV\t0 1 995 mail.example.test.",
        "_pop3._tcp.example.test.\t3600\tIN\tSRV\t0 0 0 .",
    };
    auto records = expected_records(
        config, "example.test",
        {{"sb202311r", "v=DKIM1; k=rsa; p=AAAA"}, {"sb202311e", "v=DKIM1; k=ed25519; p=BBBB"}});
    EXPECT_EQ(zone(records), expected);
    for (const auto& r : records) {
        EXPECT_FALSE(r.comment.empty()) << r.name;  // each says why it is there
    }
}

TEST(ExpectedRecords, WithoutTheHttpsListenerThereIsNoMtaStsPolicyToAnnounce) {
    auto config = server_config();
    config.listeners["https"].enabled = false;
    for (const auto& line : zone(expected_records(config, "example.test", {}))) {
        EXPECT_EQ(line.find("mta-sts"), std::string::npos) << line;
        EXPECT_EQ(line.find("_domainkey"), std::string::npos) << line;
    }
}

TEST(ExpectedRecords, MtaStsIdChangesWithThePolicy) {
    auto config = server_config();
    auto id = mta_sts_id(config);
    EXPECT_EQ(id.size(), 20u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);  // RFC 8461 §3.1
    EXPECT_EQ(mta_sts_id(server_config()), id);
    config.mta_sts.mode = "enforce";
    EXPECT_NE(mta_sts_id(config), id);
    auto other_mx = server_config();
    other_mx.mta_sts.mx = {"mx1.example.test"};
    EXPECT_NE(mta_sts_id(other_mx), id);
}

TEST(ZoneLine, LongTextIsCutInto255OctetStringsAndQuotesAreEscaped) {
    ExpectedRecord r;
    r.name = "sel._domainkey.example.test";
    r.type = RecordType::txt;
    r.text = std::string(254, 'a') + "\"" + std::string(300, 'b');
    // RFC 1035 §3.3.14: each character-string holds at most 255 octets.
    EXPECT_EQ(zone_data(r), "\"" + std::string(254, 'a') + "\\\"\" \"" + std::string(255, 'b') +
                                "\" \"" + std::string(45, 'b') + "\"");
    r.text = std::string(255, 'c');
    EXPECT_EQ(zone_data(r), "\"" + std::string(255, 'c') + "\"");
}

}  // namespace
}  // namespace sealbox::mailauth::dns_records

#include "reports/destinations.h"

#include <gtest/gtest.h>

#include "mailauth/dmarc/record.h"
#include "mailauth/fake_dns.h"
#include "reports/https_post.h"

namespace sealbox::reports {
namespace {

namespace dmarc = mailauth::dmarc;
using mailauth::testing::FakeDns;
using mailauth::testing::run;

const dmarc::PublicSuffixList& suffixes() {
    static const auto list = dmarc::PublicSuffixList::parse("com\nnet\nco.uk\n");
    return list;
}

dmarc::PublishedPolicy policy(const char* rua) {
    return {"example.com", *dmarc::parse_record(std::string("v=DMARC1; p=none; rua=") + rua)};
}

std::vector<std::string> addresses(const DmarcDestinations& d) {
    std::vector<std::string> out;
    for (const auto& m : d.mail) {
        out.push_back(m.address.str());
    }
    return out;
}

TEST(DmarcDestinations, SameOrganizationNeedsNoCheck) {
    FakeDns dns;
    auto d = run(dmarc_destinations(
        dns, suffixes(), policy("mailto:a@example.com,mailto:b@reports.example.com!5m")));
    EXPECT_EQ(addresses(d), (std::vector<std::string>{"a@example.com", "b@reports.example.com"}));
    EXPECT_EQ(d.mail[1].max_size, 5u * 1024 * 1024);
    EXPECT_EQ(dns.queries(), 0);
}

TEST(DmarcDestinations, AnExternalDestinationMustAgreeBySection7_1) {
    FakeDns dns;
    dns.add_txt("example.com._report._dmarc.agg.example.net", "v=DMARC1");
    auto d = run(dmarc_destinations(
        dns, suffixes(), policy("mailto:ok@agg.example.net,mailto:no@other.example.org")));
    EXPECT_EQ(addresses(d), std::vector<std::string>{"ok@agg.example.net"});
    EXPECT_FALSE(d.temporary_failure);
}

TEST(DmarcDestinations, ARecordThatIsNotDmarcDoesNotAgree) {
    FakeDns dns;
    dns.add_txt("example.com._report._dmarc.agg.example.net", "v=spf1 -all");
    auto d = run(dmarc_destinations(dns, suffixes(), policy("mailto:ok@agg.example.net")));
    EXPECT_TRUE(d.mail.empty());
}

TEST(DmarcDestinations, ATimeoutIsATemporaryFailure) {
    FakeDns dns;
    dns.add_timeout("example.com._report._dmarc.agg.example.net");
    auto d = run(dmarc_destinations(dns, suffixes(), policy("mailto:ok@agg.example.net")));
    EXPECT_TRUE(d.mail.empty());
    EXPECT_TRUE(d.temporary_failure);
}

TEST(DmarcDestinations, OnlyMailtoIsUsed) {
    FakeDns dns;
    auto d = run(dmarc_destinations(dns, suffixes(), policy("https://example.com/dmarc")));
    EXPECT_TRUE(d.mail.empty());
}

TEST(TlsDestinations, SplitsMailtoAndHttps) {
    FakeDns dns;
    dns.add_txt("_smtp._tls.example.net",
                "v=TLSRPTv1; rua=mailto:tls@example.net,https://r.example.org/tlsrpt");
    auto d = run(tls_destinations(dns, "example.net"));
    ASSERT_EQ(d.mail.size(), 1u);
    EXPECT_EQ(d.mail[0].str(), "tls@example.net");
    EXPECT_EQ(d.https, std::vector<std::string>{"https://r.example.org/tlsrpt"});
}

TEST(TlsDestinations, NoRecordNoDestinationAndATimeoutIsTemporary) {
    FakeDns dns;
    dns.add_timeout("_smtp._tls.slow.example");
    auto none = run(tls_destinations(dns, "example.net"));
    EXPECT_TRUE(none.mail.empty() && none.https.empty() && !none.temporary_failure);
    EXPECT_TRUE(run(tls_destinations(dns, "slow.example")).temporary_failure);
}

TEST(HttpsUrl, ParsesWhatAPostNeeds) {
    EXPECT_EQ(parse_https_url("https://r.example.org/v1/tlsrpt?x=1"),
              (HttpsUrl{"r.example.org", 443, "/v1/tlsrpt?x=1"}));
    EXPECT_EQ(parse_https_url("HTTPS://r.example.org:8443"),
              (HttpsUrl{"r.example.org", 8443, "/"}));
    EXPECT_EQ(parse_https_url("https://[2001:db8::1]:444/p"), (HttpsUrl{"2001:db8::1", 444, "/p"}));
    for (const char* bad :
         {"http://r.example.org/", "https://", "https://user@host/", "https://host:0/",
          "https://host:99999/", "https://[::1/", "https://host/#frag", "https://host/a b"}) {
        EXPECT_FALSE(parse_https_url(bad)) << bad;
    }
}

}  // namespace
}  // namespace sealbox::reports

// The resolver against an upstream server: forwarding, response codes, and DNSSEC validation
// with a test zone's own key as trust anchor.

#include <gtest/gtest.h>

#include <fstream>

#include "dns/dns_fixture.h"
#include "dns/fake_upstream.h"
#include "dns/mail_hosts.h"
#include "support/temp_dir.h"

namespace sealbox::dns {
namespace {

namespace asio = boost::asio;
using testing::FakeUpstream;
using testing::Rr;
using testing::ZoneSigner;

Rr aaaa_record(std::string owner) {
    testing::Bytes address(16, 0);
    address[0] = 0x20;
    address[1] = 0x01;
    address[15] = 0x25;
    return Rr{std::move(owner), testing::kTypeAaaa, address};
}

Rr tlsa_record(std::string owner) {
    testing::Bytes rdata{3, 1, 1};
    rdata.resize(3 + 32, 0x5a);
    return Rr{std::move(owner), testing::kTypeTlsa, rdata};
}

class UpstreamTest : public testing::DnsTest {
  protected:
    UpstreamTest() {
        upstream.add(testing::a_record("www.plain.example", {192, 0, 2, 80}));
        upstream.add(testing::mx_record("plain.example", 10, "www.plain.example"));
        upstream.sign_with(signer);
        upstream.add(testing::mx_record("signed.example", 10, "mx.signed.example"));
        upstream.add(testing::a_record("mx.signed.example", {192, 0, 2, 25}));
        upstream.add(aaaa_record("mx.signed.example"));
        upstream.add(tlsa_record("_25._tcp.mx.signed.example"));
    }

    Resolver& start(bool dnssec) {
        DnsConfig c;
        c.upstream = {upstream.address()};
        c.timeout = std::chrono::seconds(5);
        c.dnssec = dnssec;
        c.trust_anchor_file = dir / "anchor.key";
        std::ofstream(c.trust_anchor_file) << signer.trust_anchor() << "\n";
        resolver_.emplace(io.get_executor(), c);
        return *resolver_;
    }

    FakeUpstream upstream;
    ZoneSigner signer{"signed.example"};
    sealbox::testing::TempDir dir;
};

TEST_F(UpstreamTest, ForwardsToTheUpstreamAndMapsResponseCodes) {
    upstream.answer_with_rcode("broken.plain.example", 2);
    upstream.answer_with_rcode("refusing.plain.example", 5);
    Resolver& r = start(false);
    auto www = run(r.a("www.plain.example"));
    ASSERT_EQ(www.status, Status::ok) << www.detail;
    EXPECT_EQ(www.records, (std::vector<asio::ip::address>{asio::ip::make_address("192.0.2.80")}));
    EXPECT_FALSE(www.secure);
    EXPECT_EQ(run(r.mx("www.plain.example")).status, Status::nodata);
    EXPECT_EQ(run(r.mx("nothing.plain.example")).status, Status::nxdomain);
    EXPECT_EQ(run(r.mx("broken.plain.example")).status, Status::temporary);
    EXPECT_EQ(run(r.mx("refusing.plain.example")).status, Status::temporary);
    EXPECT_GT(upstream.queries(), 0);
}

TEST_F(UpstreamTest, ValidatedAnswersAreSecure) {
    Resolver& r = start(true);
    auto mx = run(r.mx("signed.example"));
    ASSERT_EQ(mx.status, Status::ok) << mx.detail;
    EXPECT_TRUE(mx.secure);
    auto tlsa = run(r.tlsa("_25._tcp.mx.signed.example"));
    ASSERT_EQ(tlsa.status, Status::ok) << tlsa.detail;
    EXPECT_TRUE(tlsa.secure);
    EXPECT_EQ(tlsa.records.at(0).data, std::vector<std::uint8_t>(32, 0x5a));

    MailHosts found = run(find_mail_hosts(r, "signed.example"));
    ASSERT_EQ(found.result, MailHostsResult::ok) << found.detail;
    ASSERT_EQ(found.hosts.size(), 1U);
    EXPECT_EQ(found.hosts[0].addresses.size(), 2U);
    EXPECT_TRUE(found.hosts[0].mx_secure);
    EXPECT_TRUE(found.hosts[0].addresses_secure);

    // Outside the signed zone nothing is validated, and nothing fails either.
    auto plain = run(r.mx("plain.example"));
    ASSERT_EQ(plain.status, Status::ok) << plain.detail;
    EXPECT_FALSE(plain.secure);
    MailHosts insecure = run(find_mail_hosts(r, "plain.example"));
    ASSERT_EQ(insecure.result, MailHostsResult::ok) << insecure.detail;
    EXPECT_FALSE(insecure.hosts.at(0).mx_secure);
}

TEST_F(UpstreamTest, AnswersThatFailValidationAreBogus) {
    upstream.spoil_signature("signed.example", testing::kTypeMx);
    upstream.spoil_signature("_25._tcp.mx.signed.example", testing::kTypeTlsa);
    Resolver& r = start(true);
    auto mx = run(r.mx("signed.example"));
    EXPECT_EQ(mx.status, Status::bogus);
    EXPECT_TRUE(mx.records.empty());
    EXPECT_FALSE(mx.secure);
    EXPECT_FALSE(mx.detail.empty());
    EXPECT_EQ(run(r.tlsa("_25._tcp.mx.signed.example")).status, Status::bogus);
    // RFC 7672 §2.1.1: bogus data is a temporary failure, never a reason to send elsewhere.
    MailHosts found = run(find_mail_hosts(r, "signed.example"));
    EXPECT_EQ(found.result, MailHostsResult::temporary);
    EXPECT_NE(found.detail.find("DNSSEC"), std::string::npos) << found.detail;
}

}  // namespace
}  // namespace sealbox::dns

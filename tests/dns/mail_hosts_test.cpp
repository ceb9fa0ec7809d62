#include "dns/mail_hosts.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "dns/dns_fixture.h"

namespace sealbox::dns {
namespace {

namespace asio = boost::asio;
using asio::ip::make_address;
using testing::DnsTest;

std::vector<std::string> names(const MailHosts& found) {
    std::vector<std::string> out;
    for (const auto& host : found.hosts) {
        out.push_back(host.name);
    }
    return out;
}

class MailHostsTest : public DnsTest {
  protected:
    MailHosts find(std::string domain) { return run(find_mail_hosts(*resolver_, domain)); }
};

TEST_F(MailHostsTest, OrdersHostsByPreferenceWithTheirAddresses) {
    resolver({"example.test. MX 20 mx2.example.test.", "example.test. MX 10 mx1.example.test.",
              "example.test. MX 30 MX3.example.test.", "mx1.example.test. A 192.0.2.1",
              "mx1.example.test. AAAA 2001:db8::1", "mx2.example.test. A 192.0.2.2",
              "mx3.example.test. AAAA 2001:db8::3"});
    MailHosts found = find("example.test");
    ASSERT_EQ(found.result, MailHostsResult::ok) << found.detail;
    EXPECT_EQ(names(found), (std::vector<std::string>{"mx1.example.test", "mx2.example.test",
                                                      "mx3.example.test"}));
    EXPECT_EQ(
        found.hosts[0].addresses,
        (std::vector<asio::ip::address>{make_address("2001:db8::1"), make_address("192.0.2.1")}));
    EXPECT_EQ(found.hosts[1].addresses,
              (std::vector<asio::ip::address>{make_address("192.0.2.2")}));
    EXPECT_EQ(found.hosts[2].addresses,
              (std::vector<asio::ip::address>{make_address("2001:db8::3")}));
    EXPECT_FALSE(found.hosts[0].mx_secure);  // local data is not validated
    EXPECT_TRUE(found.detail.empty()) << found.detail;
    // A final dot changes nothing.
    EXPECT_EQ(names(find("example.test.")), names(found));
}

// RFC 5321 §5.1: hosts of one preference are tried in random order, after the better ones.
TEST_F(MailHostsTest, ShufflesHostsOfEqualPreference) {
    resolver({"example.test. MX 5 first.example.test.", "example.test. MX 10 a.example.test.",
              "example.test. MX 10 b.example.test.", "example.test. MX 10 c.example.test.",
              "first.example.test. A 192.0.2.10", "a.example.test. A 192.0.2.1",
              "b.example.test. A 192.0.2.2", "c.example.test. A 192.0.2.3"});
    std::map<std::string, int> second;
    for (int i = 0; i < 60; ++i) {
        MailHosts found = find("example.test");
        ASSERT_EQ(found.hosts.size(), 4U);
        EXPECT_EQ(found.hosts[0].name, "first.example.test");
        std::set<std::string> rest{found.hosts[1].name, found.hosts[2].name, found.hosts[3].name};
        EXPECT_EQ(rest,
                  (std::set<std::string>{"a.example.test", "b.example.test", "c.example.test"}));
        ++second[found.hosts[1].name];
    }
    // Each of the three comes second sometimes; all 60 the same would be (1/3)^59.
    EXPECT_EQ(second.size(), 3U);
}

TEST_F(MailHostsTest, FallsBackToTheDomainsOwnAddressesWithoutMx) {
    resolver({"example.test. A 192.0.2.1", "example.test. AAAA 2001:db8::1",
              "example.test. TXT \"v=spf1 -all\"", "v6only.example.test. AAAA 2001:db8::6",
              "named.example.test. TXT \"no address\""});
    MailHosts found = find("example.test");
    ASSERT_EQ(found.result, MailHostsResult::ok) << found.detail;
    ASSERT_EQ(found.hosts.size(), 1U);
    EXPECT_EQ(found.hosts[0].name, "example.test");
    EXPECT_EQ(found.hosts[0].addresses.size(), 2U);

    EXPECT_EQ(find("v6only.example.test").hosts.at(0).addresses,
              (std::vector<asio::ip::address>{make_address("2001:db8::6")}));

    MailHosts none = find("named.example.test");
    EXPECT_EQ(none.result, MailHostsResult::no_mail_hosts);
    EXPECT_NE(none.detail.find("named.example.test"), std::string::npos) << none.detail;
}

// RFC 7505: "0 ." says the domain takes no mail.
TEST_F(MailHostsTest, NullMxIsPermanent) {
    resolver({"nomail.example.test. MX 0 .", "nomail.example.test. A 192.0.2.1"});
    MailHosts found = find("nomail.example.test");
    EXPECT_EQ(found.result, MailHostsResult::null_mx);
    EXPECT_TRUE(found.hosts.empty());
    EXPECT_NE(found.detail.find("null MX"), std::string::npos) << found.detail;
}

TEST_F(MailHostsTest, NoSuchDomainIsPermanent) {
    resolver({"example.test. MX 10 mx.example.test."});
    MailHosts found = find("missing.example.test");
    EXPECT_EQ(found.result, MailHostsResult::no_such_domain);
    EXPECT_NE(found.detail.find("missing.example.test"), std::string::npos);
    EXPECT_EQ(find("bad..example.test").result, MailHostsResult::no_such_domain);
    EXPECT_EQ(find("under_score.example.test").result, MailHostsResult::no_such_domain);
    EXPECT_EQ(find("exa\\109ple.test").result, MailHostsResult::no_such_domain);
    EXPECT_EQ(find("").result, MailHostsResult::no_such_domain);
    // Not a valid IDNA2008 name: a symbol, and a label of nothing but a combining mark.
    EXPECT_EQ(find("\xe2\x98\x83.test").result, MailHostsResult::no_such_domain);
    EXPECT_EQ(find("\xcc\x81.test").result, MailHostsResult::no_such_domain);
}

// RFC 6531 §3.7.1: a UTF-8 domain is looked up by its A-labels (IDNA2008).
TEST_F(MailHostsTest, InternationalizedDomainsAreLookedUpAsALabels) {
    resolver(
        {"xn--bcher-kva.test. MX 10 mx.xn--bcher-kva.test.", "mx.xn--bcher-kva.test. A 192.0.2.7"});
    MailHosts found = find(
        "b\xc3\xbc"
        "cher.test");
    ASSERT_EQ(found.result, MailHostsResult::ok) << found.detail;
    EXPECT_EQ(names(found), std::vector<std::string>{"mx.xn--bcher-kva.test"});
    // The same name decomposed (u + combining diaeresis) is normalised to the same A-labels.
    EXPECT_EQ(find("bu\xcc\x88"
                   "cher.test")
                  .result,
              MailHostsResult::ok);
}

// RFC 5321 §5.1: MX hosts none of which has an address are an error, and the domain's own
// address is not tried instead.
TEST_F(MailHostsTest, MxHostsWithoutAddressesArePermanent) {
    DnsConfig c =
        config({"example.test. MX 10 gone.example.test.",
                "example.test. MX 20 noaddr.example.test.", "example.test. A 192.0.2.99",
                "noaddr.example.test. TXT \"x\"", "literal.example.test. MX 10 192.0.2.1."});
    c.local_zones.push_back("1 static");  // the top-level domain of the name "192.0.2.1."
    resolver_.emplace(io.get_executor(), c);
    MailHosts found = find("example.test");
    EXPECT_EQ(found.result, MailHostsResult::no_mail_hosts);
    EXPECT_TRUE(found.hosts.empty());
    EXPECT_NE(found.detail.find("gone.example.test"), std::string::npos) << found.detail;
    EXPECT_NE(found.detail.find("noaddr.example.test"), std::string::npos) << found.detail;
    // An MX naming an IP address is a name like any other (RFC 5321 §5.1), here one that does
    // not exist.
    EXPECT_EQ(find("literal.example.test").result, MailHostsResult::no_mail_hosts);
}

TEST_F(MailHostsTest, HostsWithoutAddressesAreLeftOutAndSaidSo) {
    resolver({"example.test. MX 10 gone.example.test.", "example.test. MX 20 mx.example.test.",
              "mx.example.test. A 192.0.2.2"});
    MailHosts found = find("example.test");
    ASSERT_EQ(found.result, MailHostsResult::ok);
    EXPECT_EQ(names(found), std::vector<std::string>{"mx.example.test"});
    EXPECT_NE(found.detail.find("gone.example.test"), std::string::npos) << found.detail;
}

TEST_F(MailHostsTest, FollowsCnamesOfMxHosts) {
    resolver({"example.test. MX 10 alias.example.test.",
              "alias.example.test. CNAME real.example.test.", "real.example.test. A 192.0.2.5"});
    MailHosts found = find("example.test");
    ASSERT_EQ(found.result, MailHostsResult::ok) << found.detail;
    EXPECT_EQ(found.hosts.at(0).name, "alias.example.test");
    EXPECT_EQ(found.hosts.at(0).addresses,
              (std::vector<asio::ip::address>{make_address("192.0.2.5")}));
}

TEST_F(MailHostsTest, KeepsTheBestPreferenceOfADuplicateAndCapsTheCount) {
    std::vector<std::string> records{
        "dup.example.test. MX 30 mx.example.test.", "dup.example.test. MX 10 MX.example.test.",
        "dup.example.test. MX 20 other.example.test.", "mx.example.test. A 192.0.2.1",
        "other.example.test. A 192.0.2.2"};
    for (int i = 0; i < 15; ++i) {
        records.push_back(fmt::format("many.example.test. MX {} h{}.example.test.", i, i));
        records.push_back(fmt::format("h{}.example.test. A 192.0.2.{}", i, 100 + i));
    }
    resolver(records);
    EXPECT_EQ(names(find("dup.example.test")),
              (std::vector<std::string>{"mx.example.test", "other.example.test"}));
    MailHosts many = find("many.example.test");
    ASSERT_EQ(many.hosts.size(), kMaxMailHosts);
    EXPECT_EQ(many.hosts.front().name, "h0.example.test");
    EXPECT_EQ(many.hosts.back().name, "h9.example.test");
}

TEST_F(MailHostsTest, AnAddressLiteralIsItsOwnHost) {
    resolver({});
    MailHosts v4 = find("[192.0.2.1]");
    ASSERT_EQ(v4.result, MailHostsResult::ok);
    ASSERT_EQ(v4.hosts.size(), 1U);
    EXPECT_EQ(v4.hosts[0].name, "[192.0.2.1]");
    EXPECT_EQ(v4.hosts[0].addresses, (std::vector<asio::ip::address>{make_address("192.0.2.1")}));
    MailHosts v6 = find("[IPv6:2001:db8::25]");
    ASSERT_EQ(v6.result, MailHostsResult::ok);
    EXPECT_EQ(v6.hosts.at(0).addresses,
              (std::vector<asio::ip::address>{make_address("2001:db8::25")}));
    EXPECT_EQ(find("[ipv6:::1]").result, MailHostsResult::ok);
    for (const char* bad : {"[192.0.2.256]", "[2001:db8::1]", "[IPv6:fe80::1%eth0]", "[x:y]",
                            "[192.0.2.1", "[]", "[IPv6:192.0.2.1]"}) {
        EXPECT_EQ(find(bad).result, MailHostsResult::no_such_domain) << bad;
    }
}

// A temporary failure of the MX query is not "no MX": the implicit MX must not be used.
TEST_F(MailHostsTest, MxTimeoutIsTemporaryNotImplicitMx) {
    DnsConfig c = config({});
    c.local_zones = {};  // every name goes to the upstream that never answers
    c.timeout = std::chrono::milliseconds(300);
    resolver_.emplace(io.get_executor(), c);
    MailHosts found = find("example.org");
    EXPECT_EQ(found.result, MailHostsResult::temporary);
    EXPECT_TRUE(found.hosts.empty());
    EXPECT_NE(found.detail.find("MX of example.org"), std::string::npos) << found.detail;
}

TEST_F(MailHostsTest, AddressTimeoutsAreTemporary) {
    DnsConfig c = config({"example.test. MX 10 mx.example.org."});
    c.local_zones = {"example.test static"};  // mx.example.org goes to the silent upstream
    c.timeout = std::chrono::milliseconds(300);
    resolver_.emplace(io.get_executor(), c);
    MailHosts found = find("example.test");
    EXPECT_EQ(found.result, MailHostsResult::temporary);
    EXPECT_NE(found.detail.find("mx.example.org"), std::string::npos) << found.detail;
}

}  // namespace
}  // namespace sealbox::dns

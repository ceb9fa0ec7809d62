// RFC 7208 §4 check_host() beyond the public suite: the identities of §2.3/§2.4, the limits of
// §4.6.4, explanations (§6.2), and that the costly lookups happen only when needed.

#include "mailauth/spf/check_host.h"

#include <gtest/gtest.h>

#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::spf {
namespace {

using boost::asio::ip::make_address;
using testing::FakeDns;
using testing::run;

Outcome mail_from(FakeDns& dns, const char* ip, const char* sender,
                  const char* helo = "mx.client.example", Options options = {}) {
    return run(check_mail_from(dns, make_address(ip), sender, helo, std::move(options)));
}

TEST(SpfCheckHost, PassFailAndNone) {
    FakeDns dns;
    dns.add_txt("example.org", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all");
    EXPECT_EQ(mail_from(dns, "192.0.2.7", "alice@example.org").result, Result::pass);
    EXPECT_EQ(mail_from(dns, "2001:db8::25", "alice@example.org").result, Result::pass);
    EXPECT_EQ(mail_from(dns, "198.51.100.1", "alice@example.org").result, Result::fail);
    EXPECT_EQ(mail_from(dns, "198.51.100.1", "alice@unknown.example").result, Result::none);
}

TEST(SpfCheckHost, Ipv4MappedClientIsIpv4) {  // §5
    FakeDns dns;
    dns.add_txt("example.org", "v=spf1 ip4:192.0.2.0/24 -all");
    EXPECT_EQ(mail_from(dns, "::ffff:192.0.2.9", "alice@example.org").result, Result::pass);
}

TEST(SpfCheckHost, HeloIdentity) {  // §2.3
    FakeDns dns;
    dns.add_txt("mx.client.example", "v=spf1 a -all exp=why.client.example");
    dns.add_address("mx.client.example", "192.0.2.10");
    dns.add_txt("why.client.example", "%{l}@%{o} is not %{h}");
    auto ok = run(check_helo(dns, make_address("192.0.2.10"), "mx.client.example"));
    EXPECT_EQ(ok.result, Result::pass);
    auto bad = run(check_helo(dns, make_address("192.0.2.11"), "mx.client.example"));
    EXPECT_EQ(bad.result, Result::fail);
    EXPECT_EQ(bad.explanation, "postmaster@mx.client.example is not mx.client.example");
}

TEST(SpfCheckHost, EmptyMailFromChecksPostmasterAtHelo) {  // §2.4
    FakeDns dns;
    dns.add_txt("mx.client.example", "v=spf1 exists:%{l}.%{d} -all");
    dns.add_address("postmaster.mx.client.example", "127.0.0.2");
    EXPECT_EQ(mail_from(dns, "192.0.2.10", "").result, Result::pass);
}

TEST(SpfCheckHost, ExplanationOnlyOnFail) {  // §6.2
    FakeDns dns;
    dns.add_txt("example.org", "v=spf1 ~ip4:192.0.2.1 -all exp=why.example.org");
    dns.add_txt("why.example.org", "%{c} may not send for %{d} (seen by %{r})");
    Options options;
    options.receiver = "mx.sealbox.example";
    auto fail = mail_from(dns, "198.51.100.1", "a@example.org", "h.example", options);
    EXPECT_EQ(fail.result, Result::fail);
    EXPECT_EQ(fail.explanation,
              "198.51.100.1 may not send for example.org (seen by mx.sealbox.example)");
    auto softfail = mail_from(dns, "192.0.2.1", "a@example.org", "h.example", options);
    EXPECT_EQ(softfail.result, Result::softfail);
    EXPECT_EQ(softfail.explanation, "");
}

TEST(SpfCheckHost, DefaultExplanation) {
    FakeDns dns;
    dns.add_txt("example.org", "v=spf1 -all exp=missing.example.org");
    auto outcome = mail_from(dns, "198.51.100.1", "a@example.org");
    EXPECT_EQ(outcome.explanation,
              "198.51.100.1 is not one of example.org's designated mail servers");
}

TEST(SpfCheckHost, TenDnsTermsAcrossIncludes) {  // §4.6.4
    FakeDns dns;
    // A chain of includes: example.org -> i1 -> ... -> iN, the last one passing.
    auto chain = [&dns](const std::string& top, int length) {
        dns.add_txt(top, "v=spf1 include:i1." + top + " -all");
        for (int i = 1; i < length; ++i) {
            dns.add_txt("i" + std::to_string(i) + "." + top,
                        "v=spf1 include:i" + std::to_string(i + 1) + "." + top);
        }
        dns.add_txt("i" + std::to_string(length) + "." + top, "v=spf1 +all");
    };
    chain("ten.example", 10);
    chain("eleven.example", 11);
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@ten.example").result, Result::pass);
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@eleven.example").result, Result::permerror);
}

TEST(SpfCheckHost, TwoVoidLookups) {  // §4.6.4
    FakeDns dns;
    dns.add_txt("two.example", "v=spf1 a:n1.example mx:n2.example ?all");
    dns.add_txt("three.example", "v=spf1 a:n1.example mx:n2.example exists:n3.example ?all");
    dns.add_empty("n2.example");  // NODATA counts as well as NXDOMAIN
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@two.example").result, Result::neutral);
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@three.example").result, Result::permerror);
}

TEST(SpfCheckHost, MxHostsLimitAndNullMx) {  // §4.6.4, RFC 7505
    FakeDns dns;
    dns.add_txt("many.example", "v=spf1 mx -all");
    for (int i = 0; i < 11; ++i) {
        dns.add_mx("many.example", static_cast<std::uint16_t>(i), "mx.many.example");
    }
    dns.add_address("mx.many.example", "192.0.2.1");
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@many.example").result, Result::permerror);

    dns.add_txt("null.example", "v=spf1 mx -all");
    dns.add_mx("null.example", 0, ".");
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@null.example").result, Result::fail);
}

TEST(SpfCheckHost, DnsErrorsAreTemperror) {  // §5
    FakeDns dns;
    dns.add_txt("example.org", "v=spf1 a:slow.example.org -all");
    dns.add_timeout("slow.example.org");
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@example.org").result, Result::temperror);
    dns.add_timeout("down.example");
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@down.example").result, Result::temperror);
}

TEST(SpfCheckHost, PtrValidatesOnlyNamesWithinTheTarget) {  // §5.5
    FakeDns dns;
    dns.add_txt("example.org", "v=spf1 ptr -all");
    dns.add_ptr("1.2.0.192.in-addr.arpa", "other.example.net");
    dns.add_ptr("1.2.0.192.in-addr.arpa", "mail.example.org");
    dns.add_address("mail.example.org", "192.0.2.1");
    dns.add_address("other.example.net", "192.0.2.1");
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@example.org").result, Result::pass);
    EXPECT_EQ(dns.queries(), 3);  // TXT, PTR, A of mail.example.org; not other.example.net
}

TEST(SpfCheckHost, PMacroLooksUpOnlyWhenUsed) {  // §7.3
    FakeDns dns;
    dns.add_txt("plain.example", "v=spf1 ip4:192.0.2.1 -all");
    EXPECT_EQ(mail_from(dns, "192.0.2.1", "a@plain.example").result, Result::pass);
    EXPECT_EQ(dns.queries(), 1);

    dns.add_txt("p.example", "v=spf1 -exists:%{p}.deny.example +all");
    dns.add_ptr("2.2.0.192.in-addr.arpa", "host.p.example");
    dns.add_address("host.p.example", "192.0.2.2");
    dns.add_address("host.p.example.deny.example", "127.0.0.2");
    EXPECT_EQ(mail_from(dns, "192.0.2.2", "a@p.example").result, Result::fail);
    // Not validated (no A record back to the client): "unknown".
    dns.add_ptr("3.2.0.192.in-addr.arpa", "host.p.example");
    EXPECT_EQ(mail_from(dns, "192.0.2.3", "a@p.example").result, Result::pass);
}

}  // namespace
}  // namespace sealbox::mailauth::spf

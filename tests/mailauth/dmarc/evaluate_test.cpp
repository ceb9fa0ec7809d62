// DMARC policy discovery (RFC 7489 §6.6.3), alignment (§3.1) and evaluation (§6.6).
#include "mailauth/dmarc/evaluate.h"

#include <gtest/gtest.h>

#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::dmarc {
namespace {

using testing::FakeDns;
using testing::run;
using Status = PolicyLookup::Status;

constexpr const char* kList = R"(// ===BEGIN ICANN DOMAINS===
com
org
co.uk
// ===END ICANN DOMAINS===
)";

class Dmarc : public ::testing::Test {
  protected:
    PublicSuffixList suffixes = PublicSuffixList::parse(kList);
    FakeDns dns;

    PolicyLookup discover(const std::string& domain) {
        return run(discover_policy(dns, suffixes, domain));
    }
    Verdict check_with(const std::string& from, const AuthenticatedIdentifiers& ids, int roll = 0) {
        return run(check(dns, suffixes, from, ids, [roll] { return roll; }));
    }
};

AuthenticatedIdentifiers spf_pass(std::string domain) {
    return {{AuthResult::pass, std::move(domain)}, {}};
}

TEST_F(Dmarc, FindsTheRecordAtTheFromDomain) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.com", "v=spf1 -all");  // not DMARC: discarded (step 2)
    auto lookup = discover("Example.COM");
    EXPECT_EQ(lookup.status, Status::found);
    EXPECT_EQ(lookup.policy_domain, "example.com");
    EXPECT_EQ(lookup.record->policy, Policy::reject);
    EXPECT_EQ(dns.queries(), 1);
}

TEST_F(Dmarc, FallsBackToTheOrganizationalDomain) {
    dns.add_txt("_dmarc.example.co.uk", "v=DMARC1; p=quarantine; sp=reject");
    auto lookup = discover("mail.corp.example.co.uk");
    EXPECT_EQ(lookup.status, Status::found);
    EXPECT_EQ(lookup.organizational_domain, "example.co.uk");
    EXPECT_EQ(lookup.policy_domain, "example.co.uk");
    EXPECT_EQ(dns.queries(), 2);  // the From domain, then the organizational domain only
}

TEST_F(Dmarc, SeveralRecordsMeanNoPolicy) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none");
    dns.add_txt("_dmarc.sub.example.com", "v=DMARC1; p=none");
    dns.add_txt("_dmarc.sub.example.com", "v=DMARC1; p=quarantine");
    EXPECT_EQ(discover("example.com").status, Status::none);
    // Step 5: several records at the From domain end discovery, without asking the org domain.
    EXPECT_EQ(discover("sub.example.com").status, Status::none);
    EXPECT_EQ(dns.queries(), 2);
}

TEST_F(Dmarc, NoRecordAnywhereIsNone) {
    dns.add_txt("_dmarc.example.com", "some other text");
    EXPECT_EQ(discover("a.example.com").status, Status::none);
    EXPECT_EQ(check_with("a.example.com", spf_pass("evil.org")).result, Result::none);
}

TEST_F(Dmarc, ARecordWithoutPolicyOrReportAddressIsNone) {
    // RFC 7489 §6.6.3 step 6.2.
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=block");
    EXPECT_EQ(discover("example.com").status, Status::none);
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=block; rua=mailto:d@example.org");
    auto lookup = discover("example.org");
    EXPECT_EQ(lookup.status, Status::found);
    EXPECT_EQ(lookup.record->policy, Policy::none);
}

TEST_F(Dmarc, DnsFailureIsTemperror) {
    dns.add_timeout("_dmarc.example.com");
    EXPECT_EQ(discover("example.com").status, Status::temperror);
    EXPECT_EQ(discover("a.example.com").status, Status::temperror);
    EXPECT_EQ(check_with("example.com", spf_pass("example.com")).result, Result::temperror);
}

TEST_F(Dmarc, UnparsableRecordIsPermerror) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=x");
    EXPECT_EQ(discover("example.com").status, Status::permerror);
    EXPECT_EQ(check_with("example.com", {}).result, Result::permerror);
    EXPECT_EQ(check_with("not a domain", {}).result, Result::permerror);
}

TEST(Alignment, StrictWantsTheSameNameRelaxedTheSameOrganizationalDomain) {
    auto suffixes = PublicSuffixList::parse(kList);
    EXPECT_TRUE(aligned("Example.com", "example.COM", Alignment::strict, suffixes));
    EXPECT_FALSE(aligned("mail.example.com", "example.com", Alignment::strict, suffixes));
    EXPECT_TRUE(aligned("mail.example.com", "example.com", Alignment::relaxed, suffixes));
    EXPECT_TRUE(aligned("a.example.com", "b.example.com", Alignment::relaxed, suffixes));
    EXPECT_FALSE(aligned("example.org", "example.com", Alignment::relaxed, suffixes));
    // Two registrants under one public suffix are not aligned.
    EXPECT_FALSE(aligned("one.co.uk", "two.co.uk", Alignment::relaxed, suffixes));
    EXPECT_FALSE(aligned("co.uk", "two.co.uk", Alignment::relaxed, suffixes));
}

TEST_F(Dmarc, PassesWithAlignedSpfOrDkim) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto by_spf = check_with("example.com", spf_pass("bounces.example.com"));
    EXPECT_EQ(by_spf.result, Result::pass);
    EXPECT_TRUE(by_spf.spf_aligned);
    EXPECT_FALSE(by_spf.dkim_aligned);
    EXPECT_EQ(by_spf.disposition, Policy::none);

    AuthenticatedIdentifiers mixed{
        {AuthResult::fail, "example.com"},
        {{AuthResult::pass, "esp.example.net"}, {AuthResult::pass, "example.com"}}};
    auto by_dkim = check_with("example.com", mixed);
    EXPECT_EQ(by_dkim.result, Result::pass);
    EXPECT_TRUE(by_dkim.dkim_aligned);
    EXPECT_FALSE(by_dkim.spf_aligned);
}

TEST_F(Dmarc, FailsWhenOnlyUnalignedOrFailingIdentifiersPass) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; adkim=s; aspf=s");
    AuthenticatedIdentifiers ids{{AuthResult::pass, "bounces.example.com"},  // not strict
                                 {{AuthResult::fail, "example.com"},         // not a pass
                                  {AuthResult::pass, "example.net"}}};       // not aligned
    auto verdict = check_with("example.com", ids);
    EXPECT_EQ(verdict.result, Result::fail);
    EXPECT_EQ(verdict.requested, Policy::reject);
    EXPECT_EQ(verdict.disposition, Policy::reject);
    for (auto softer : {AuthResult::softfail, AuthResult::neutral, AuthResult::temperror}) {
        EXPECT_EQ(check_with("example.com", {{softer, "example.com"}, {}}).result, Result::fail);
    }
}

TEST_F(Dmarc, SubdomainsGetSp) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine");
    auto verdict = check_with("news.example.com", spf_pass("example.org"));
    EXPECT_EQ(verdict.result, Result::fail);
    EXPECT_EQ(verdict.policy_domain, "example.com");
    EXPECT_EQ(verdict.requested, Policy::quarantine);
    EXPECT_EQ(check_with("example.com", spf_pass("example.org")).requested, Policy::reject);
}

TEST_F(Dmarc, NonexistentSubdomainsGetNp) {
    // RFC 9091 §4.2.
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none; sp=quarantine; np=reject");
    dns.add_address("www.example.com", "192.0.2.1");
    EXPECT_EQ(check_with("www.example.com", {}).requested, Policy::quarantine);
    EXPECT_EQ(check_with("ghost.example.com", {}).requested, Policy::reject);
}

TEST_F(Dmarc, PctSamplingLowersThePolicyOneStep) {
    // RFC 7489 §6.6.4: not sampled, reject becomes quarantine and quarantine none.
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject; pct=25");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=quarantine; pct=25");
    auto in = check_with("example.com", {}, 24);
    EXPECT_EQ(in.disposition, Policy::reject);
    EXPECT_FALSE(in.sampled_out);
    auto out = check_with("example.com", {}, 25);
    EXPECT_EQ(out.result, Result::fail);
    EXPECT_EQ(out.disposition, Policy::quarantine);
    EXPECT_TRUE(out.sampled_out);
    auto quarantine_out = check_with("example.org", {}, 99);
    EXPECT_EQ(quarantine_out.disposition, Policy::none);
    EXPECT_TRUE(quarantine_out.sampled_out);
    EXPECT_EQ(check_with("example.org", {}, 0).disposition, Policy::quarantine);
}

TEST_F(Dmarc, VerdictsBecomeAuthenticationResultsEntries) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=reject");
    auto verdict = check_with("Example.COM", spf_pass("example.org"));
    EXPECT_EQ(
        format_authentication_results("mx.sealbox.test", {method_result(verdict)}),
        "Authentication-Results: mx.sealbox.test;\r\n\tdmarc=fail header.from=example.com\r\n");
    auto none = check_with("example.org", {});
    EXPECT_EQ(method_result(none).result, "none");
}

TEST_F(Dmarc, PNoneIsNeverSampledOut) {
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=none; pct=10");
    auto verdict = check_with("example.com", {}, 50);
    EXPECT_EQ(verdict.result, Result::fail);
    EXPECT_FALSE(verdict.sampled_out);
    EXPECT_EQ(verdict.disposition, Policy::none);
}

TEST_F(Dmarc, RandomPercentStaysInRange) {
    for (int i = 0; i < 1000; ++i) {
        int roll = random_percent();
        ASSERT_GE(roll, 0);
        ASSERT_LT(roll, 100);
    }
}

TEST_F(Dmarc, AMessageWithoutOneUsableFromIsReportedSo) {
    auto verdict = run(check_message(dns, suffixes, {}, {}));
    EXPECT_FALSE(verdict.from_usable);
    EXPECT_EQ(verdict.result, Result::permerror);
    EXPECT_TRUE(verdict.verdicts.empty());
}

TEST_F(Dmarc, SeveralFromDomainsTakeTheStrictestFailingPolicy) {
    // RFC 7489 §6.6.1.
    dns.add_txt("_dmarc.example.com", "v=DMARC1; p=quarantine");
    dns.add_txt("_dmarc.example.org", "v=DMARC1; p=reject");
    auto both = run(check_message(dns, suffixes, {"example.com", "EXAMPLE.com", "example.org"},
                                  spf_pass("example.com"), [] { return 0; }));
    EXPECT_TRUE(both.from_usable);
    ASSERT_EQ(both.verdicts.size(), 2U);  // the same domain twice is checked once
    EXPECT_EQ(both.verdicts[0].result, Result::pass);
    EXPECT_EQ(both.verdicts[1].result, Result::fail);
    EXPECT_EQ(both.result, Result::fail);
    EXPECT_EQ(both.disposition, Policy::reject);

    auto one = run(check_message(dns, suffixes, {"example.com"}, spf_pass("example.com")));
    EXPECT_EQ(one.result, Result::pass);
    EXPECT_EQ(one.disposition, Policy::none);
}

}  // namespace
}  // namespace sealbox::mailauth::dmarc

// RFC 8461 §5: what an MTA-STS policy asks of an MX host that DANE does not cover.

#include "queue/transport_security.h"

#include <gtest/gtest.h>

namespace sealbox::queue {
namespace {

using smtp::client::TlsPolicy;

const mtasts::Policy kEnforce{
    mtasts::Mode::enforce, 86400, {"mx1.example.org", "*.mx.example.org"}};

TEST(StsSecurity, EnforceNeedsVerifiedTlsToAListedHost) {
    auto s = sts_security(kEnforce, "mx1.example.org", TlsPolicy::opportunistic);
    EXPECT_EQ(s.tls, TlsPolicy::required_verified);
    EXPECT_EQ(s.policy, TlsOutcome::Policy::sts);
    EXPECT_FALSE(s.refusal);
    EXPECT_EQ(sts_security(kEnforce, "a.mx.example.org", TlsPolicy::required).tls,
              TlsPolicy::required_verified);
}

TEST(StsSecurity, EnforceRefusesAHostThePolicyDoesNotList) {
    auto s = sts_security(kEnforce, "mx2.example.org", TlsPolicy::opportunistic);
    ASSERT_TRUE(s.refusal);
    EXPECT_EQ(*s.refusal, "4.7.5 mx2.example.org is not an MX host the MTA-STS policy allows");
    EXPECT_EQ(s.refusal_result, TlsOutcome::Result::validation_failure);
}

TEST(StsSecurity, TestingOnlyNotesWhatEnforcingWouldRefuse) {
    mtasts::Policy testing = kEnforce;
    testing.mode = mtasts::Mode::testing;
    auto listed = sts_security(testing, "mx1.example.org", TlsPolicy::opportunistic);
    EXPECT_EQ(listed.tls, TlsPolicy::opportunistic);
    EXPECT_TRUE(listed.sts_testing);
    EXPECT_TRUE(listed.sts_testing_failure.empty());
    auto unlisted = sts_security(testing, "other.example.net", TlsPolicy::opportunistic);
    EXPECT_FALSE(unlisted.refusal);
    EXPECT_EQ(unlisted.tls, TlsPolicy::opportunistic);
    EXPECT_FALSE(unlisted.sts_testing_failure.empty());
}

TEST(StsSecurity, ModeNoneChangesNothing) {
    mtasts::Policy none{mtasts::Mode::none, 86400, {}};
    auto s = sts_security(none, "mx1.example.org", TlsPolicy::required);
    EXPECT_EQ(s.tls, TlsPolicy::required);
    EXPECT_EQ(s.policy, TlsOutcome::Policy::none);
    EXPECT_FALSE(s.sts_testing);
}

TEST(CertificateResult, ByOpenSslsReason) {
    EXPECT_EQ(certificate_result("hostname mismatch"),
              TlsOutcome::Result::certificate_host_mismatch);
    EXPECT_EQ(certificate_result("certificate has expired"),
              TlsOutcome::Result::certificate_expired);
    EXPECT_EQ(certificate_result("self-signed certificate"),
              TlsOutcome::Result::certificate_not_trusted);
}

}  // namespace
}  // namespace sealbox::queue

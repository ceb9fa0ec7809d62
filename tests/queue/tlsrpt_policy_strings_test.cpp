#include <gtest/gtest.h>

#include "queue/transport_security.h"

namespace sealbox::queue {
namespace {

using Strings = std::vector<std::string>;

TEST(TlsRptPolicyStrings, AreTheLinesOfTheStsPolicy) {
    const mtasts::Policy policy{mtasts::Mode::enforce, 86400, {"mx1.example.org", "*.example.net"}};
    auto security = sts_security(policy, "mx1.example.org", smtp::client::TlsPolicy::opportunistic);
    EXPECT_EQ(tlsrpt_policy_strings(security, &policy),
              (Strings{"version: STSv1", "mode: enforce", "mx: mx1.example.org",
                       "mx: *.example.net", "max_age: 86400"}));
}

TEST(TlsRptPolicyStrings, AreTheTlsaRecordsUnderDane) {
    HostSecurity security;
    security.policy = TlsOutcome::Policy::dane;
    security.dane =
        net::DaneRequirement{"mx.example.org", {{3, 1, 1, {0xab, 0x01}}, {2, 0, 2, {}}}};
    EXPECT_EQ(tlsrpt_policy_strings(security, nullptr), (Strings{"3 1 1 AB01", "2 0 2 "}));
}

TEST(TlsRptPolicyStrings, AreNoneWithoutAPolicy) {
    const mtasts::Policy policy{mtasts::Mode::enforce, 86400, {"mx1.example.org"}};
    EXPECT_TRUE(tlsrpt_policy_strings(HostSecurity{}, &policy).empty());
}

}  // namespace
}  // namespace sealbox::queue

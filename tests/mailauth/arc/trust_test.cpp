// RFC 8617 §7.2.1: which ARC Sets may stand in for a DMARC pass, on chains sealed for real.

#include "mailauth/arc/trust.h"

#include <gtest/gtest.h>

#include "mailauth/arc/hops.h"

namespace sealbox::mailauth::arc {
namespace {

using dkim::testing::ed25519_key;
using dkim::testing::rsa_key;
using testing::FakeDns;
using testing::Hop;

class ArcTrustTest : public ::testing::Test {
  protected:
    void SetUp() override {
        list.publish(dns);
        relay.publish(dns);
    }

    std::string forward(const std::string& raw, const Hop& hop, const std::string& results,
                        const std::string& subject_tag = "") {
        return testing::forward(dns, raw, hop, results, subject_tag);
    }

    std::optional<TrustedPass> trusted_pass(const std::string& raw,
                                            const std::vector<std::string>& trusted,
                                            std::string_view from_domain = "example.org") {
        auto message = dkim::parse_message(raw);
        auto validation = testing::run(validate(message, dns));
        return trusted_dmarc_pass(collect_chain(message), validation, trusted, from_domain);
    }

    FakeDns dns;
    Hop list{"lists.example.net", "arc1", &ed25519_key()};
    Hop relay{"relay.example.com", "arc2", &rsa_key()};
    std::string original{dkim::testing::sample_message};
    const std::string passed = "dkim=pass header.d=example.org; dmarc=pass header.from=Example.ORG";
};

TEST_F(ArcTrustTest, ATrustedListThatSawDmarcPassVouchesForWhatItChanged) {
    auto sent = forward(original, list, passed, "[list]");
    auto pass = trusted_pass(sent, {"lists.example.net"});
    ASSERT_TRUE(pass);
    EXPECT_EQ(pass->instance, 1u);
    EXPECT_EQ(pass->sealer, "lists.example.net");
    EXPECT_EQ(report_comment(collect_chain(dkim::parse_message(sent))),
              "arc=pass as[1].d=lists.example.net as[1].s=arc1");
}

TEST_F(ArcTrustTest, OnlyTrustedSealersOnlyForDmarcPassOfThatFromDomain) {
    EXPECT_FALSE(trusted_pass(forward(original, list, passed), {"relay.example.com"}));
    EXPECT_FALSE(trusted_pass(forward(original, list, passed), {}));
    EXPECT_FALSE(
        trusted_pass(forward(original, list, passed), {"lists.example.net"}, "other.example"));
    EXPECT_FALSE(trusted_pass(forward(original, list, "dmarc=fail header.from=example.org"),
                              {"lists.example.net"}));
    EXPECT_FALSE(trusted_pass(forward(original, list, "dmarc=pass"), {"lists.example.net"}))
        << "a pass that names no From domain vouches for none";
    EXPECT_FALSE(trusted_pass(forward(original, list, "dmarc=pass header.from=example.org x"),
                              {"lists.example.net"}))
        << "results that do not read as RFC 8601 vouch for nothing";
}

TEST_F(ArcTrustTest, AChainThatFailsVouchesForNothing) {
    auto sent = forward(original, list, passed);
    sent.replace(sent.find("hungry"), 6, "thirsty");
    EXPECT_FALSE(trusted_pass(sent, {"lists.example.net"}));
}

// A later hop that changed the message after the trusted list sealed it: the list's word was
// about another message.
TEST_F(ArcTrustTest, ChangesAfterTheTrustedSealAreNotVouchedFor) {
    auto from_list = forward(original, list, passed);
    auto relayed = forward(from_list, relay, "arc=pass", "[relayed]");
    EXPECT_FALSE(trusted_pass(relayed, {"lists.example.net"}));

    auto untouched = forward(from_list, relay, "arc=pass");
    auto pass = trusted_pass(untouched, {"lists.example.net"});
    ASSERT_TRUE(pass);
    EXPECT_EQ(pass->instance, 1u);
    EXPECT_EQ(report_comment(collect_chain(dkim::parse_message(untouched))),
              "arc=pass as[2].d=relay.example.com as[2].s=arc2 as[1].d=lists.example.net "
              "as[1].s=arc1");
}

}  // namespace
}  // namespace sealbox::mailauth::arc

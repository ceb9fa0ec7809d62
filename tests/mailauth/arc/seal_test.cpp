// RFC 8617 §5.1 (sealing) and §5.2 (validation) together: what Sealbox seals validates, hop after
// hop, with Ed25519 and RSA keys, and every change after a seal shows.

#include "mailauth/arc/seal.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "mailauth/arc/hops.h"
#include "mailauth/arc/validate.h"
#include "mailauth/dkim/sign.h"
#include "mailauth/dkim/test_support.h"
#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::arc {
namespace {

using dkim::testing::ed25519_key;
using dkim::testing::rsa_key;
using testing::FakeDns;
using testing::Hop;

class ArcSealTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ed25519_hop.publish(dns);
        rsa_hop.publish(dns);
    }

    Validation validate_text(const std::string& raw) {
        auto message = dkim::parse_message(raw);
        return testing::run(validate(message, dns));
    }

    // Validates `raw`, seals it as `hop` with that result, and returns it with the set on top.
    std::string forward(const std::string& raw, const Hop& hop) {
        return testing::forward(
            dns, raw, hop,
            "spf=pass smtp.mailfrom=joe@example.org; dkim=pass header.d=example.org");
    }

    FakeDns dns;
    Hop ed25519_hop{"lists.example.net", "arc1", &ed25519_key()};
    Hop rsa_hop{"relay.example.com", "arc2", &rsa_key()};
    std::string original{dkim::testing::sample_message};
};

TEST_F(ArcSealTest, AMessageWithoutArcHasChainStatusNone) {
    auto validation = validate_text(original);
    EXPECT_EQ(validation.result, ChainStatus::none);
    EXPECT_EQ(method_result(validation).result, "none");
}

TEST_F(ArcSealTest, AFirstSealWithEd25519Validates) {
    auto sealed = forward(original, ed25519_hop);
    EXPECT_TRUE(sealed.starts_with("ARC-Seal: a=ed25519-sha256;")) << sealed;
    EXPECT_NE(sealed.find("\r\nARC-Message-Signature: a=ed25519-sha256;"), std::string::npos);
    EXPECT_NE(sealed.find("\r\nARC-Authentication-Results: i=1; mx.lists.example.net; spf=pass"),
              std::string::npos);
    EXPECT_NE(sealed.find("cv=none"), std::string::npos);

    auto validation = validate_text(sealed);
    EXPECT_EQ(validation.result, ChainStatus::pass) << validation.reason;
    EXPECT_EQ(validation.instances, 1u);
    EXPECT_EQ(validation.oldest_pass, 0u);
    ASSERT_EQ(validation.seals.size(), 1u);
    EXPECT_EQ(validation.seals[0].domain, "lists.example.net");
    EXPECT_EQ(validation.latest_message_signature->algorithm, "ed25519-sha256");
    EXPECT_EQ(dns.queries(), 1);  // the seal and the signature share one key: asked once
}

TEST_F(ArcSealTest, ASecondHopWithRsaContinuesTheChain) {
    auto twice = forward(forward(original, ed25519_hop), rsa_hop);
    EXPECT_TRUE(twice.starts_with("ARC-Seal: a=rsa-sha256;")) << twice;
    EXPECT_NE(twice.find("cv=pass"), std::string::npos);
    auto validation = validate_text(twice);
    EXPECT_EQ(validation.result, ChainStatus::pass) << validation.reason;
    EXPECT_EQ(validation.instances, 2u);
    EXPECT_EQ(validation.seals.size(), 2u);
    EXPECT_EQ(validation.oldest_pass, 0u);

    auto result = method_result(validation, boost::asio::ip::make_address("192.0.2.7"));
    EXPECT_EQ(format_authentication_results("mx.example.org", {result}),
              "Authentication-Results: mx.example.org;\r\n"
              "\tarc=pass header.oldest-pass=0 smtp.remote-ip=192.0.2.7\r\n");
}

TEST_F(ArcSealTest, ABodyChangedAfterTheSealFails) {
    auto sealed = forward(original, ed25519_hop);
    sealed.replace(sealed.find("hungry"), 6, "thirsty");
    auto validation = validate_text(sealed);
    EXPECT_EQ(validation.result, ChainStatus::fail);
    EXPECT_NE(validation.reason.find("ARC-Message-Signature i=1: body hash"), std::string::npos)
        << validation.reason;
    EXPECT_EQ(method_result(validation).result, "fail");
}

TEST_F(ArcSealTest, AnArcFieldChangedAfterTheSealFails) {
    auto sealed = forward(original, rsa_hop);
    sealed.replace(sealed.find("spf=pass"), 8, "spf=fail");
    auto validation = validate_text(sealed);
    EXPECT_EQ(validation.result, ChainStatus::fail);
    EXPECT_NE(validation.reason.find("ARC-Seal i=1: seal did not verify"), std::string::npos)
        << validation.reason;
}

TEST_F(ArcSealTest, OldestPassNamesTheOldestMessageSignatureThatStillVerifies) {
    // Hop 2 validates the chain, then tags the Subject (which hop 1 signed), then seals: the
    // chain still passes, since only the newest ARC-Message-Signature must verify (§5.2 step 4),
    // and oldest-pass says that hop 1's no longer does.
    auto first = forward(original, ed25519_hop);
    auto message = dkim::parse_message(first);
    auto incoming = testing::run(validate(message, dns));
    ASSERT_EQ(incoming.result, ChainStatus::pass);
    first.replace(first.find("Is dinner ready?"), 16, "[list] Is dinner ready?");
    auto changed = dkim::parse_message(first);
    SealOptions options;
    options.cv = incoming.result;
    options.authserv_id = "mx.relay.example.com";
    options.results = "arc=pass";
    options.domain = rsa_hop.domain;
    options.selector = rsa_hop.selector;
    options.timestamp = 1700000000;
    options.headers = {"from", "to", "subject", "date"};
    std::string sealed;
    for (const auto& field : seal(changed, options, *rsa_hop.key)) {
        sealed += field;
    }
    auto validation = validate_text(sealed + first);
    EXPECT_EQ(validation.result, ChainStatus::pass) << validation.reason;
    EXPECT_EQ(validation.oldest_pass, 2u);
    EXPECT_EQ(method_result(validation).properties.at(0).value, "2");
}

TEST_F(ArcSealTest, SealingAFailedChainCoversOnlyTheNewSetAndEndsIt) {  // §5.1.2, §5.1 step 2
    auto broken = forward(original, ed25519_hop);
    broken.replace(broken.find("hungry"), 6, "thirsty");
    auto sealed = forward(broken, rsa_hop);
    EXPECT_TRUE(sealed.starts_with("ARC-Seal: a=rsa-sha256;")) << sealed;
    EXPECT_NE(sealed.find("cv=fail"), std::string::npos);
    auto validation = validate_text(sealed);
    EXPECT_EQ(validation.result, ChainStatus::fail);
    EXPECT_TRUE(validation.marked_fail);
    // Nobody continues it, us included.
    EXPECT_EQ(forward(sealed, ed25519_hop), sealed);
}

TEST_F(ArcSealTest, KeyTroubleIsAPermanentFailure) {  // §5.2.1
    auto sealed = forward(original, ed25519_hop);
    FakeDns empty;
    auto message = dkim::parse_message(sealed);
    auto missing = testing::run(validate(message, empty));
    EXPECT_EQ(missing.result, ChainStatus::fail);
    FakeDns slow;
    slow.add_timeout("arc1._domainkey.lists.example.net");
    auto timeout = testing::run(validate(message, slow));
    EXPECT_EQ(timeout.result, ChainStatus::fail);
}

TEST_F(ArcSealTest, RefusesOptionsThatContradictTheMessage) {
    auto message = dkim::parse_message(original);
    SealOptions options;
    options.authserv_id = "mx.example.net";
    options.results = "spf=pass";
    options.domain = "example.net";
    options.selector = "arc";
    options.headers = {"from"};
    options.cv = ChainStatus::pass;  // but there is no chain
    EXPECT_THROW(seal(message, options, ed25519_key()), Error);
    options.cv = ChainStatus::none;
    options.results = "spf=pass\r\nBcc: x@example.org";
    EXPECT_THROW(seal(message, options, ed25519_key()), Error);
    options.results = "spf=pass";
    options.headers = {"to"};  // no From
    EXPECT_THROW(seal(message, options, ed25519_key()), Error);
    options.headers = {"from", "arc-seal"};
    EXPECT_THROW(seal(message, options, ed25519_key()), Error);
    options.headers = {"from"};
    EXPECT_EQ(seal(message, options, ed25519_key()).size(), 3u);
}

TEST_F(ArcSealTest, LongResultsAreFolded) {
    auto message = dkim::parse_message(original);
    SealOptions options;
    options.authserv_id = "mx.example.net";
    options.results =
        "spf=pass smtp.mailfrom=joe@example.org; dkim=pass header.d=example.org "
        "header.s=sel header.b=abcdefgh; dmarc=pass header.from=example.org";
    options.domain = "example.net";
    options.selector = "arc";
    options.headers = {"from"};
    auto aar = seal(message, options, ed25519_key()).at(2);
    std::size_t start = 0;
    for (auto end = aar.find("\r\n"); end != std::string::npos; end = aar.find("\r\n", start)) {
        EXPECT_LE(end - start, 78u) << aar;
        start = end + 2;
    }
    auto parsed = parse_authentication_results(field_value({"", aar}));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->instance, 1u);
}

}  // namespace
}  // namespace sealbox::mailauth::arc

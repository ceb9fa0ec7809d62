// RFC 6376 §6 verification, RFC 8301 (algorithms and key sizes), RFC 8463 (Ed25519), with the
// key served by FakeDns.
#include "mailauth/dkim/verify.h"

#include <gtest/gtest.h>

#include "mailauth/dkim/test_support.h"
#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::dkim {
namespace {

using mailauth::testing::FakeDns;
using namespace dkim::testing;

constexpr std::int64_t now = 1700000000;
constexpr const char* key_name = "sel._domainkey.example.org";

std::vector<SignatureResult> check(std::string_view raw, FakeDns& dns,
                                   VerifyOptions options = {.now = now}) {
    auto message = parse_message(raw);
    return mailauth::testing::run(verify(message, dns, options));
}

SignatureResult only(std::string_view raw, FakeDns& dns, VerifyOptions options = {.now = now}) {
    auto results = check(raw, dns, options);
    EXPECT_EQ(results.size(), 1u);
    return results.empty() ? SignatureResult{} : results.front();
}

class DkimVerify : public ::testing::Test {
  protected:
    DkimVerify() { dns.add_txt(key_name, rsa_key().key_record()); }
    FakeDns dns;
};

TEST_F(DkimVerify, GoodSignaturePasses) {
    auto result = only(signed_message(sample_message, rsa_key(), {}), dns);
    EXPECT_EQ(result.result, Result::pass) << result.reason;
    EXPECT_EQ(result.domain, "example.org");
    EXPECT_EQ(result.selector, "sel");
    EXPECT_EQ(result.algorithm, "rsa-sha256");
    EXPECT_EQ(result.identity, "@example.org");
    EXPECT_EQ(result.b_prefix.size(), 8u);
    EXPECT_EQ(result.key_bits, 2048u);
    EXPECT_FALSE(result.body_truncated);
    EXPECT_EQ(dns.queries(), 1);
}

TEST_F(DkimVerify, NoSignatureNoResult) {
    EXPECT_TRUE(check(sample_message, dns).empty());
}

// §3.4: both canonicalizations for header and body.
TEST_F(DkimVerify, SimpleCanonicalizationIsExact) {
    Spec spec;
    spec.c = {Canon::simple, Canon::simple};
    auto message = signed_message(sample_message, rsa_key(), spec);
    EXPECT_EQ(only(message, dns).result, Result::pass);
    std::string respaced = message;
    respaced.replace(respaced.find("Subject: Is"), 11, "Subject:  Is");
    EXPECT_EQ(only(respaced, dns).result, Result::fail);
}

TEST_F(DkimVerify, RelaxedToleratesWhitespaceAndCase) {
    auto message = signed_message(sample_message, rsa_key(), {});
    message.replace(message.find("Subject: Is"), 11, "SUBJECT:\r\n  Is");
    message.replace(message.find("the game."), 9, "the  game. \t");
    EXPECT_EQ(only(message, dns).result, Result::pass);
}

TEST_F(DkimVerify, AcceptsBareLineFeeds) {
    auto message = signed_message(sample_message, rsa_key(), {});
    std::string lf;
    for (char c : message) {
        if (c != '\r') {
            lf += c;
        }
    }
    EXPECT_EQ(only(lf, dns).result, Result::pass);
}

// §6.1.3: body hash, then signature.
TEST_F(DkimVerify, TamperedBodyFails) {
    auto message = signed_message(sample_message, rsa_key(), {});
    message.replace(message.find("hungry"), 6, "angry!");
    auto result = only(message, dns);
    EXPECT_EQ(result.result, Result::fail);
    EXPECT_EQ(result.reason, "body hash did not verify");
}

TEST_F(DkimVerify, TamperedHeaderFails) {
    auto message = signed_message(sample_message, rsa_key(), {});
    message.replace(message.find("dinner"), 6, "lunch!");
    auto result = only(message, dns);
    EXPECT_EQ(result.result, Result::fail);
    EXPECT_EQ(result.reason, "signature did not verify");
}

// §5.4.2 / §8.15: From is listed once more than it occurs, so a second From added anywhere is
// selected and breaks the signature; an unlisted field does not.
TEST_F(DkimVerify, OverSignedFieldCannotBeAdded) {
    auto message = signed_message(sample_message, rsa_key(), {});
    auto body_at = message.find("\r\n\r\n") + 2;
    EXPECT_EQ(only(std::string(message).insert(body_at, "X-Added: fine\r\n"), dns).result,
              Result::pass);
    EXPECT_EQ(only(std::string(message).insert(body_at, "From: evil@example.com\r\n"), dns).result,
              Result::fail);
    EXPECT_EQ(only("From: evil@example.com\r\n" + message, dns).result, Result::fail);
}

// §3.7: a signer cannot have selected the field it was creating, so h= naming DKIM-Signature
// more often than earlier ones exist never selects the field being verified.
TEST_F(DkimVerify, OwnFieldIsNeverSelected) {
    auto first = signed_message(sample_message, rsa_key(), {});
    Spec spec;
    spec.h = {"from", "dkim-signature", "dkim-signature"};
    auto results = check(signed_message(first, rsa_key(), spec), dns);
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].result, Result::pass) << results[0].reason;
    EXPECT_EQ(results[1].result, Result::pass) << results[1].reason;
}

// §3.5 l=: verifiable, but what follows l= is unsigned and flagged.
TEST_F(DkimVerify, BodyLengthLimitIsFlagged) {
    Spec spec;
    spec.l = canonicalize_body(parse_message(sample_message).body, Canon::relaxed).size();
    auto message = signed_message(sample_message, rsa_key(), spec);
    auto exact = only(message, dns);
    EXPECT_EQ(exact.result, Result::pass);
    EXPECT_FALSE(exact.body_truncated);
    auto appended = only(message + "Click here: http://evil.example/\r\n", dns);
    EXPECT_EQ(appended.result, Result::pass) << appended.reason;
    EXPECT_TRUE(appended.body_truncated);

    spec.l = 100000;
    EXPECT_EQ(only(signed_message(sample_message, rsa_key(), spec), dns).result, Result::fail);
}

// §3.5 t= and x=, §6.1.1 "signature expired".
TEST_F(DkimVerify, Timestamps) {
    auto with = [&](std::vector<std::pair<std::string, std::string>> extra) {
        Spec spec;
        spec.extra = std::move(extra);
        return only(signed_message(sample_message, rsa_key(), spec), dns);
    };
    EXPECT_EQ(with({{"t", std::to_string(now - 60)}, {"x", std::to_string(now + 60)}}).result,
              Result::pass);
    auto future = with({{"t", std::to_string(now + 86400)}});
    EXPECT_EQ(future.result, Result::permerror);
    EXPECT_NE(future.reason.find("future"), std::string::npos);
    auto expired = with({{"t", std::to_string(now - 86400)}, {"x", std::to_string(now - 7200)}});
    EXPECT_EQ(expired.result, Result::permerror);
    EXPECT_NE(expired.reason.find("expired"), std::string::npos);
}

// RFC 8301 §3.1: rsa-sha1 is never valid; decided without a DNS query.
TEST_F(DkimVerify, RsaSha1IsRefused) {
    Spec spec;
    spec.a = "rsa-sha1";
    auto result = only(signed_message(sample_message, rsa_key(), spec), dns);
    EXPECT_EQ(result.result, Result::permerror);
    EXPECT_NE(result.reason.find("RFC 8301"), std::string::npos);
    EXPECT_EQ(dns.queries(), 0);
}

// RFC 8301 §3.2: RSA keys under 1024 bits are not accepted.
TEST_F(DkimVerify, SmallRsaKeyIsRefused) {
    auto small = rsa_key_of(768);
    FakeDns small_dns;
    small_dns.add_txt(key_name, small.key_record());
    auto result = only(signed_message(sample_message, small, {}), small_dns);
    EXPECT_EQ(result.result, Result::permerror);
    EXPECT_EQ(result.key_bits, 768u);
}

TEST_F(DkimVerify, Ed25519) {
    FakeDns ed_dns;
    ed_dns.add_txt(key_name, ed25519_key().key_record());
    Spec spec;
    spec.a = "ed25519-sha256";
    auto message = signed_message(sample_message, ed25519_key(), spec);
    EXPECT_EQ(only(message, ed_dns).result, Result::pass);
    // The same signature against an RSA key record: the key type does not match a=.
    auto mismatch = only(message, dns);
    EXPECT_EQ(mismatch.result, Result::permerror);
    EXPECT_EQ(mismatch.reason, "inappropriate key algorithm");
}

// §6.1.2: answers about the key.
TEST(DkimVerifyKey, DnsOutcomes) {
    auto message = signed_message(sample_message, rsa_key(), {});
    FakeDns none;
    EXPECT_EQ(only(message, none).result, Result::permerror);
    FakeDns timeout;
    timeout.add_timeout(key_name);
    EXPECT_EQ(only(message, timeout).result, Result::temperror);
    FakeDns empty;
    empty.add_empty(key_name);
    EXPECT_EQ(only(message, empty).result, Result::permerror);
    FakeDns garbage;
    garbage.add_txt(key_name, "this is not a key");
    auto result = only(message, garbage);
    EXPECT_EQ(result.result, Result::permerror);
    EXPECT_NE(result.reason.find("key syntax"), std::string::npos);
}

struct KeyCase {
    std::string record_suffix;  // appended after "v=DKIM1; "
    std::vector<std::pair<std::string, std::string>> extra;
    Result expected;
};

// §3.6.1: key record h=, s=, t=, p= restrictions.
TEST(DkimVerifyKey, KeyRecordRestrictions) {
    auto p = "p=" + base64_encode(rsa_key().public_key());
    std::vector<KeyCase> cases = {
        {"h=sha256; " + p, {}, Result::pass},
        {"h=sha1; " + p, {}, Result::permerror},
        {"s=email; " + p, {}, Result::pass},
        {"s=tlsrpt; " + p, {}, Result::permerror},
        {"p=", {}, Result::permerror},  // revoked
        {"t=s; " + p, {{"i", "joe@example.org"}}, Result::pass},
        {"t=s; " + p, {{"i", "joe@mail.example.org"}}, Result::permerror},
        {p, {{"i", "joe@mail.example.org"}}, Result::pass},
    };
    for (const auto& c : cases) {
        FakeDns dns;
        dns.add_txt(key_name, "v=DKIM1; " + c.record_suffix);
        Spec spec;
        spec.extra = c.extra;
        auto result = only(signed_message(sample_message, rsa_key(), spec), dns);
        EXPECT_EQ(result.result, c.expected) << c.record_suffix << ": " << result.reason;
    }
}

TEST(DkimVerifyKey, TestingFlagIsReported) {
    FakeDns dns;
    dns.add_txt(key_name, rsa_key().key_record() + "; t=y");
    auto result = only(signed_message(sample_message, rsa_key(), {}), dns);
    EXPECT_EQ(result.result, Result::pass);
    EXPECT_TRUE(result.testing);
}

// Several signatures each get a result, in order; a malformed one is a permerror that still
// names what it can.
TEST_F(DkimVerify, SeveralSignatures) {
    auto good = signed_message(sample_message, rsa_key(), {});
    Spec other;
    other.d = "example.net";
    auto both = signed_message(good, rsa_key(), other);  // no key at example.net
    auto message = "DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=x; b=abc\r\n" + both;
    auto results = check(message, dns);
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].result, Result::permerror);
    EXPECT_EQ(results[0].domain, "example.com");
    EXPECT_NE(results[0].reason.find("malformed"), std::string::npos);
    EXPECT_EQ(results[1].result, Result::permerror);
    EXPECT_EQ(results[1].domain, "example.net");
    EXPECT_EQ(results[2].result, Result::pass);
}

// RFC 6376 §6.1: the number of signatures checked is capped, bounding DNS queries.
TEST_F(DkimVerify, SignatureCap) {
    std::string message(sample_message);
    for (int i = 0; i < 12; ++i) {
        message = signed_message(message, rsa_key(), {});
    }
    auto results = check(message, dns, {.now = now, .max_signatures = 4});
    ASSERT_EQ(results.size(), 12u);
    EXPECT_EQ(dns.queries(), 4);
    EXPECT_EQ(results[3].result, Result::pass);
    EXPECT_EQ(results[4].result, Result::policy);
    EXPECT_EQ(results[11].domain, "example.org");
}

}  // namespace
}  // namespace sealbox::mailauth::dkim

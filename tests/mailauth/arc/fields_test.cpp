// RFC 8617 §4.1 and §4.2.1: the three ARC header fields and their instance tag.

#include "mailauth/arc/fields.h"

#include <gtest/gtest.h>

namespace sealbox::mailauth::arc {
namespace {

constexpr std::string_view b64 = "dGVzdA==";

TEST(ArcInstance, RunsFromOneToFifty) {  // §4.2.1
    EXPECT_EQ(parse_instance("1"), 1u);
    EXPECT_EQ(parse_instance("50"), 50u);
    for (auto bad : {"0", "51", "", "a", "1a", "-1", "100"}) {
        EXPECT_FALSE(parse_instance(bad)) << bad;
    }
}

TEST(ArcFieldKind, NamesCompareWithoutCase) {
    EXPECT_EQ(field_kind("arc-seal"), FieldKind::seal);
    EXPECT_EQ(field_kind("ARC-Message-Signature"), FieldKind::message_signature);
    EXPECT_EQ(field_kind("Arc-Authentication-Results"), FieldKind::authentication_results);
    EXPECT_FALSE(field_kind("Authentication-Results"));
    EXPECT_FALSE(field_kind("DKIM-Signature"));
}

TEST(ArcAuthenticationResults, StartsWithItsInstance) {  // §4.1.1
    auto aar = parse_authentication_results(
        " i=3; mx.example.net;\r\n spf=pass smtp.mailfrom=a@b.example");
    ASSERT_TRUE(aar);
    EXPECT_EQ(aar->instance, 3u);
    EXPECT_EQ(aar->payload, "mx.example.net;\r\n spf=pass smtp.mailfrom=a@b.example");
    auto spaced = parse_authentication_results("i = 2 ; mx.example.net; none");
    ASSERT_TRUE(spaced);
    EXPECT_EQ(spaced->instance, 2u);
}

TEST(ArcAuthenticationResults, RefusesAnInstanceNotFirstOrNotClosedBySemicolon) {
    EXPECT_FALSE(parse_authentication_results("mx.example.net; i=1; none"));
    EXPECT_FALSE(parse_authentication_results("i=1 mx.example.net; none"));
    EXPECT_FALSE(parse_authentication_results("i=0; mx.example.net; none"));
    EXPECT_FALSE(parse_authentication_results("i=; mx.example.net; none"));
    EXPECT_FALSE(parse_authentication_results(""));
}

std::string seal_value(std::string_view extra = "") {
    return "i=2; a=rsa-sha256; cv=pass; d=example.org; s=sel; t=12345; b=" + std::string(b64) +
           std::string(extra);
}

TEST(ArcSealField, ParsesItsTags) {  // §4.1.3
    auto parsed = parse_seal(seal_value());
    ASSERT_TRUE(parsed.seal) << parsed.error;
    EXPECT_EQ(parsed.seal->instance, 2u);
    EXPECT_EQ(parsed.seal->cv, ChainStatus::pass);
    EXPECT_EQ(parsed.seal->algorithm, dkim::Algorithm::rsa_sha256);
    EXPECT_EQ(parsed.seal->signature, "test");
    EXPECT_EQ(parsed.seal->domain, "example.org");
    EXPECT_EQ(parsed.seal->selector, "sel");
    EXPECT_EQ(parsed.seal->timestamp, 12345u);
}

TEST(ArcSealField, RefusesWhatTheRfcForbids) {
    struct Bad {
        std::string value;
        std::string reason;
    };
    for (const auto& [value, reason] : std::vector<Bad>{
             {seal_value("; h=from"), "h="},  // §4.1.3
             {"i=1; a=rsa-sha256; d=example.org; s=sel; b=dGVzdA==", "cv="},
             {"a=rsa-sha256; cv=none; d=example.org; s=sel; b=dGVzdA==", "i="},
             {"i=51; a=rsa-sha256; cv=none; d=example.org; s=sel; b=dGVzdA==", "instance"},
             {"i=1; a=rsa-sha256; cv=maybe; d=example.org; s=sel; b=dGVzdA==", "cv="},
             {"i=1; a=rsa-sha256; cv=Pass; d=example.org; s=sel; b=dGVzdA==", "cv="},
             {"i=1; a=rsa-sha1; cv=none; d=example.org; s=sel; b=dGVzdA==", "a="},
             {"i=1; a=rsa-sha256; cv=none; d=-bad-; s=sel; b=dGVzdA==", "d="},
             {"i=1; a=rsa-sha256; cv=none; d=example.org; s=sel; b=!!", "b="},
             {"i=1; a=rsa-sha256; cv=none; d=example.org; s=sel; t=x; b=dGVzdA==", "t="},
             {"i=1; i=1; a=rsa-sha256; cv=none; d=example.org; s=sel; b=dGVzdA==", "tag"},
         }) {
        auto parsed = parse_seal(value);
        EXPECT_FALSE(parsed.seal) << value;
        EXPECT_NE(parsed.error.find(reason), std::string::npos) << value << ": " << parsed.error;
    }
}

std::string message_signature_value(std::string_view h = "from:to", std::string_view extra = "") {
    return "i=1; a=ed25519-sha256; d=example.org; s=sel; h=" + std::string(h) +
           "; bh=" + std::string(b64) + "; b=" + std::string(b64) + std::string(extra);
}

TEST(ArcMessageSignatureField, IsADkimSignatureWithAnInstance) {  // §4.1.2
    auto parsed = parse_message_signature(message_signature_value("from:to", "; v=7"));
    ASSERT_TRUE(parsed.message_signature) << parsed.error;
    const auto& ams = *parsed.message_signature;
    EXPECT_EQ(ams.instance, 1u);
    EXPECT_EQ(ams.signature.algorithm, dkim::Algorithm::ed25519_sha256);
    EXPECT_EQ(ams.signature.signed_headers, (std::vector<std::string>{"from", "to"}));
    EXPECT_EQ(ams.signature.identity, "@example.org");  // i= is the instance, not an AUID
    // No c=: relaxed/relaxed, as ARC seals are, and as the suite and dkimpy read it.
    EXPECT_EQ(ams.signature.canonicalization.header, dkim::Canon::relaxed);
    EXPECT_EQ(ams.signature.canonicalization.body, dkim::Canon::relaxed);
}

TEST(ArcMessageSignatureField, RefusesArcSealInH) {  // §4.1.2
    auto parsed = parse_message_signature(message_signature_value("from:ARC-Seal"));
    EXPECT_FALSE(parsed.message_signature);
    EXPECT_NE(parsed.error.find("ARC-Seal"), std::string::npos);
}

TEST(ArcMessageSignatureField, NeedsAnInstanceAndRefusesRsaSha1) {
    EXPECT_FALSE(parse_message_signature(
                     "a=rsa-sha256; d=example.org; s=sel; h=from; bh=dGVzdA==; b=dGVzdA==")
                     .message_signature);
    auto sha1 = parse_message_signature(
        "i=1; a=rsa-sha1; d=example.org; s=sel; h=from; bh=dGVzdA==; b=dGVzdA==");
    EXPECT_FALSE(sha1.message_signature);
    EXPECT_NE(sha1.error.find("RFC 8301"), std::string::npos);
}

TEST(ArcInstanceOf, ReadsEachKind) {
    EXPECT_EQ(instance_of(FieldKind::seal, seal_value()), 2u);
    EXPECT_EQ(instance_of(FieldKind::message_signature, message_signature_value()), 1u);
    EXPECT_EQ(instance_of(FieldKind::authentication_results, "i=7; x; none"), 7u);
    EXPECT_FALSE(instance_of(FieldKind::seal, "i=1; i=2"));
}

}  // namespace
}  // namespace sealbox::mailauth::arc

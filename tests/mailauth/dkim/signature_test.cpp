// RFC 6376 §3.5 (DKIM-Signature tags) and §6.1.1 (what makes a signature unusable), §3.6.1 (key
// records), RFC 8463 §4.2 (Ed25519 keys).
#include "mailauth/dkim/signature.h"

#include <gtest/gtest.h>

#include "mailauth/dkim/key_record.h"

namespace sealbox::mailauth::dkim {
namespace {

// RFC 8463 Appendix A.3, the Ed25519 signature.
constexpr std::string_view rfc8463_value =
    " v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n"
    " d=football.example.com; i=@football.example.com;\r\n"
    " q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n"
    " subject : date : message-id : from : subject : date;\r\n"
    " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n"
    " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n"
    " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";

std::string with(std::string_view replace, std::string_view by) {
    std::string text(rfc8463_value);
    auto at = text.find(replace);
    EXPECT_NE(at, std::string::npos) << replace;
    return text.replace(at, replace.size(), by);
}

TEST(DkimSignatureParse, Rfc8463Example) {
    auto parsed = parse_signature(rfc8463_value);
    ASSERT_TRUE(parsed.signature) << parsed.error;
    const auto& sig = *parsed.signature;
    EXPECT_EQ(sig.algorithm, Algorithm::ed25519_sha256);
    EXPECT_EQ(sig.canonicalization.header, Canon::relaxed);
    EXPECT_EQ(sig.canonicalization.body, Canon::relaxed);
    EXPECT_EQ(sig.domain, "football.example.com");
    EXPECT_EQ(sig.identity, "@football.example.com");
    EXPECT_EQ(sig.selector, "brisbane");
    EXPECT_EQ(sig.timestamp, 1528637909u);
    EXPECT_EQ(sig.signed_headers,
              (std::vector<std::string>{"from", "to", "subject", "date", "message-id", "from",
                                        "subject", "date"}));
    EXPECT_EQ(sig.body_hash.size(), 32u);
    EXPECT_EQ(sig.signature.size(), 64u);  // whitespace inside b= removed before decoding
    EXPECT_EQ(sig.b_text.substr(0, 8), "/gCrinpc");
}

TEST(DkimSignatureParse, Defaults) {
    auto parsed = parse_signature(with("c=relaxed/relaxed;", ""));
    ASSERT_TRUE(parsed.signature) << parsed.error;
    EXPECT_EQ(parsed.signature->canonicalization.header, Canon::simple);  // §3.5 c= default
    EXPECT_EQ(parsed.signature->canonicalization.body, Canon::simple);
    auto relaxed_only = parse_signature(with("c=relaxed/relaxed", "c=relaxed"));
    ASSERT_TRUE(relaxed_only.signature);
    EXPECT_EQ(relaxed_only.signature->canonicalization.body, Canon::simple);
    auto no_i = parse_signature(with("i=@football.example.com;", ""));
    ASSERT_TRUE(no_i.signature);
    EXPECT_EQ(no_i.signature->identity, "@football.example.com");  // §3.5 i= default
}

// §3.2: "Unrecognized tags MUST be ignored."
TEST(DkimSignatureParse, IgnoresUnknownTags) {
    EXPECT_TRUE(parse_signature(with("q=dns/txt;", "q=dns/txt; future=thing;")).signature);
}

// §6.1.1: each required tag missing is a PERMFAIL.
TEST(DkimSignatureParse, RequiredTags) {
    for (auto tag : {"v=1;", "a=ed25519-sha256;", "d=football.example.com;", "s=brisbane;",
                     "bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;"}) {
        auto parsed = parse_signature(with(tag, ""));
        EXPECT_FALSE(parsed.signature) << tag;
        EXPECT_NE(parsed.error.find("missing"), std::string::npos) << parsed.error;
    }
    std::string no_h =
        with("h=from : to :\r\n subject : date : message-id : from : subject : date;", "");
    EXPECT_FALSE(parse_signature(no_h).signature);
    std::string text(rfc8463_value);
    EXPECT_FALSE(parse_signature(text.substr(0, text.find(" b="))).signature);
}

struct Malformed {
    std::string_view replace;
    std::string_view by;
    std::string_view reason;
};

class DkimSignatureMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(DkimSignatureMalformed, IsAnErrorWithAReason) {
    auto parsed = parse_signature(with(GetParam().replace, GetParam().by));
    EXPECT_FALSE(parsed.signature);
    EXPECT_NE(parsed.error.find(GetParam().reason), std::string::npos) << parsed.error;
}

INSTANTIATE_TEST_SUITE_P(
    Section35, DkimSignatureMalformed,
    ::testing::Values(
        Malformed{"v=1", "v=2", "version"},                       // §3.5 v=
        Malformed{"a=ed25519-sha256", "a=rsa-md5", "algorithm"},  // §3.5 a=
        Malformed{"c=relaxed/relaxed", "c=relaxed/loose", "canonicalization"},
        Malformed{"d=football.example.com", "d=football.example.com(.x", "d="},
        Malformed{"d=football.example.com", "d=-bad.example", "d="},
        // §6.1.1: i= must be d= or a subdomain of it.
        Malformed{"i=@football.example.com", "i=joe@example.com", "within d="},
        Malformed{"i=@football.example.com", "i=joe@xfootball.example.com", "within d="},
        Malformed{"i=@football.example.com", "i=football.example.com", "i="},
        // §6.1.1: From must be signed.
        Malformed{"h=from : to :\r\n subject : date : message-id : from", "h=sender : to", "From"},
        Malformed{"h=from : to", "h=from : : to", "field name"},
        Malformed{"q=dns/txt", "q=http/well-known", "query"},
        Malformed{"s=brisbane", "s=bris bane", "s="}, Malformed{"t=1528637909", "t=15x", "t="},
        Malformed{"t=1528637909", "t=1234567890123", "t="},  // 1*12DIGIT
        // §3.5 x=: must be greater than t=.
        Malformed{"t=1528637909", "t=1528637909; x=1528637909", "x="},
        Malformed{"t=1528637909", "t=1528637909; x=100", "x="},
        Malformed{"t=1528637909", "t=1528637909; l=-1", "l="},
        Malformed{"bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=", "bh=%%%", "bh="},
        Malformed{"b=/gCr", "b=*/gCr", "b="},
        Malformed{"v=1;", "v=1; v=1;", "tag=value"}));  // §3.2: no duplicate tags

TEST(DkimSignatureParse, HostileInputsNeverCrash) {
    for (std::string_view text : {"", ";", "=", "v", "v=1; a", "\r\n", "b=;", "v=1;;", "\x80=1",
                                  "v=1; a=rsa-sha256; b=; bh=; d=; h=; s="}) {
        EXPECT_FALSE(parse_signature(text).signature) << text;
    }
}

TEST(DkimSignatureParse, LargeLengthSaturates) {
    auto parsed = parse_signature(with("t=1528637909", "t=1528637909; l=99999999999999999999999"));
    ASSERT_TRUE(parsed.signature) << parsed.error;
    EXPECT_EQ(parsed.signature->body_length, std::numeric_limits<std::uint64_t>::max());
}

// §3.6.1 and RFC 8463 §4.2.
TEST(DkimKeyRecord, Ed25519AndDefaults) {
    auto parsed =
        parse_key_record("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    ASSERT_TRUE(parsed.record) << parsed.error;
    EXPECT_EQ(parsed.record->key_type, KeyType::ed25519);
    EXPECT_EQ(parsed.record->public_key.size(), 32u);
    EXPECT_TRUE(parsed.record->for_email);
    EXPECT_TRUE(parsed.record->allows_hash("sha256"));
    EXPECT_FALSE(parsed.record->testing);

    auto rsa = parse_key_record("p=MIGf MA0G\r\n CSqG");  // k= defaults to rsa; FWS in p=
    ASSERT_TRUE(rsa.record) << rsa.error;
    EXPECT_EQ(rsa.record->key_type, KeyType::rsa);
    EXPECT_EQ(rsa.record->public_key.size(), 9u);
}

TEST(DkimKeyRecord, FlagsAndRestrictions) {
    auto parsed = parse_key_record("v=DKIM1; h=sha1 : foo; s=other:email; t=y:s:z; n=note; p=");
    ASSERT_TRUE(parsed.record) << parsed.error;
    EXPECT_TRUE(parsed.record->public_key.empty());  // revoked
    EXPECT_FALSE(parsed.record->allows_hash("sha256"));
    EXPECT_TRUE(parsed.record->allows_hash("sha1"));
    EXPECT_TRUE(parsed.record->for_email);
    EXPECT_TRUE(parsed.record->testing);
    EXPECT_TRUE(parsed.record->strict_identity);

    auto other_service = parse_key_record("s=tlsrpt; p=AAAA");
    ASSERT_TRUE(other_service.record);
    EXPECT_FALSE(other_service.record->for_email);
}

TEST(DkimKeyRecord, Malformed) {
    for (std::string_view text : {"v=DKIM2; p=AAAA", "k=rsa; v=DKIM1; p=AAAA", "k=dsa; p=AAAA",
                                  "v=DKIM1; k=rsa", "p=A", "p=AAAA; p=AAAA", "garbage", ""}) {
        auto parsed = parse_key_record(text);
        EXPECT_FALSE(parsed.record) << text;
        EXPECT_FALSE(parsed.error.empty()) << text;
    }
}

}  // namespace
}  // namespace sealbox::mailauth::dkim

// RFC 7208 §4.5 record selection and the §12 ABNF of terms.

#include "mailauth/spf/record.h"

#include <gtest/gtest.h>

namespace sealbox::mailauth::spf {
namespace {

Record parse_ok(std::string_view text) {
    auto parsed = parse_record(text);
    EXPECT_TRUE(parsed.record) << text << ": " << parsed.error;
    return parsed.record.value_or(Record{});
}

bool invalid(std::string_view text) {
    return !parse_record(text).record;
}

TEST(SpfRecord, VersionIsSpf1FollowedBySpaceOrEnd) {  // §4.5
    EXPECT_TRUE(is_spf_record("v=spf1"));
    EXPECT_TRUE(is_spf_record("v=spf1 -all"));
    EXPECT_TRUE(is_spf_record("V=SpF1 -all"));  // ABNF strings have no case
    EXPECT_FALSE(is_spf_record("v=spf10"));
    EXPECT_FALSE(is_spf_record("v=spf1-all"));
    EXPECT_FALSE(is_spf_record(" v=spf1"));
    EXPECT_FALSE(is_spf_record("spf2.0/pra"));
}

TEST(SpfRecord, ParsesEveryMechanismWithQualifiers) {
    auto r = parse_ok(
        "v=spf1 +all -include:_spf.example.org ~a ?a:mail.example.org/24//64 mx/26 ptr:example.org "
        "ip4:192.0.2.0/24 ip6:2001:db8::/32 exists:%{ir}.bl.example.org");
    ASSERT_EQ(r.mechanisms.size(), 9u);
    EXPECT_EQ(r.mechanisms[0].kind, MechanismKind::all);
    EXPECT_EQ(r.mechanisms[0].qualifier, Qualifier::pass);
    EXPECT_EQ(r.mechanisms[1].kind, MechanismKind::include);
    EXPECT_EQ(r.mechanisms[1].qualifier, Qualifier::fail);
    EXPECT_EQ(r.mechanisms[1].domain_spec, "_spf.example.org");
    EXPECT_EQ(r.mechanisms[2].qualifier, Qualifier::softfail);
    EXPECT_EQ(r.mechanisms[2].domain_spec, "");
    EXPECT_EQ(r.mechanisms[3].qualifier, Qualifier::neutral);
    EXPECT_EQ(r.mechanisms[3].domain_spec, "mail.example.org");
    EXPECT_EQ(r.mechanisms[3].ip4_prefix, 24);
    EXPECT_EQ(r.mechanisms[3].ip6_prefix, 64);
    EXPECT_EQ(r.mechanisms[4].kind, MechanismKind::mx);
    EXPECT_EQ(r.mechanisms[4].ip4_prefix, 26);
    EXPECT_EQ(r.mechanisms[4].ip6_prefix, 128);
    EXPECT_EQ(r.mechanisms[5].kind, MechanismKind::ptr);
    EXPECT_EQ(r.mechanisms[6].network, boost::asio::ip::make_address("192.0.2.0"));
    EXPECT_EQ(r.mechanisms[6].ip4_prefix, 24);
    EXPECT_EQ(r.mechanisms[7].network, boost::asio::ip::make_address("2001:db8::"));
    EXPECT_EQ(r.mechanisms[7].ip6_prefix, 32);
    EXPECT_EQ(r.mechanisms[8].kind, MechanismKind::exists);
    EXPECT_EQ(r.mechanisms[8].domain_spec, "%{ir}.bl.example.org");
}

TEST(SpfRecord, DualCidrLengths) {  // §5.6
    EXPECT_EQ(parse_ok("v=spf1 a//64").mechanisms[0].ip6_prefix, 64);
    EXPECT_EQ(parse_ok("v=spf1 a//64").mechanisms[0].ip4_prefix, 32);
    EXPECT_TRUE(invalid("v=spf1 a/24/64"));
    EXPECT_TRUE(invalid("v=spf1 a/33"));
    EXPECT_TRUE(invalid("v=spf1 a//129"));
    EXPECT_TRUE(invalid("v=spf1 ip4:192.0.2.1/032"));  // no leading zeros
    EXPECT_TRUE(invalid("v=spf1 ip4:192.0.2.1//32"));
    EXPECT_TRUE(invalid("v=spf1 ptr/24"));
    EXPECT_TRUE(invalid("v=spf1 include:example.org/24"));
}

TEST(SpfRecord, Modifiers) {  // §6
    auto r = parse_ok("v=spf1 redirect=_spf.example.org exp=explain.%{d} moo.cow-far_out=man:dog");
    EXPECT_TRUE(r.mechanisms.empty());
    EXPECT_EQ(r.redirect, "_spf.example.org");
    EXPECT_EQ(r.explanation, "explain.%{d}");
    EXPECT_TRUE(invalid("v=spf1 redirect=a.example.org redirect=b.example.org"));
    EXPECT_TRUE(invalid("v=spf1 exp=a.example.org exp=b.example.org"));
    EXPECT_TRUE(invalid("v=spf1 redirect="));
    EXPECT_TRUE(invalid("v=spf1 exp=%{r}.example.org"));  // c, r, t only in explanation text
    EXPECT_TRUE(invalid("v=spf1 foo=%abc"));  // unknown modifiers must still be macro-strings
    EXPECT_TRUE(invalid("v=spf1 1up=foo"));
    EXPECT_TRUE(invalid("v=spf1 redirect:example.org"));  // not a mechanism
}

TEST(SpfRecord, SyntaxErrorsAnywhereInvalidateTheRecord) {  // §4.6
    EXPECT_TRUE(invalid("v=spf1 ip4:192.0.2.1 -all moo"));
    EXPECT_TRUE(invalid("v=spf1 -all."));
    EXPECT_TRUE(invalid("v=spf1 a:example.com:8080"));
    EXPECT_TRUE(invalid("v=spf1 a:111.222.33.44"));  // toplabel cannot be all digits
    EXPECT_TRUE(invalid("v=spf1 a:museum"));
    EXPECT_TRUE(invalid("v=spf1 ip6:1.2.3.4"));
    EXPECT_TRUE(invalid("v=spf1 ip4:::1"));
    EXPECT_TRUE(invalid("v=spf1 ip4:1.2.3"));
    EXPECT_TRUE(invalid("v=spf1 exists"));
    EXPECT_TRUE(invalid("v=spf1 a:ctrl.example.com\rptr"));  // only spaces separate terms
    EXPECT_TRUE(
        invalid("v=spf1 \x80"
                "a"));
    EXPECT_FALSE(invalid("v=spf1  a   -all "));
    EXPECT_FALSE(invalid("v=spf1 a:foo:bar/baz.example.com"));
    EXPECT_FALSE(invalid("v=spf1 a:foo.example.xn--zckzah"));
}

}  // namespace
}  // namespace sealbox::mailauth::spf

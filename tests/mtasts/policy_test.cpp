// RFC 8461 §3.1 (the TXT record), §3.2 (the policy file) and §4.1 (MX host matching).

#include "mtasts/policy.h"

#include <gtest/gtest.h>

namespace sealbox::mtasts {
namespace {

TEST(StsRecord, TheRfcExampleParses) {
    auto r = parse_sts_record("v=STSv1; id=20160831085700Z;");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->id, "20160831085700Z");
    EXPECT_EQ(parse_sts_record("v=STSv1;id=abc")->id, "abc");
    EXPECT_EQ(parse_sts_record("v=STSv1 ; id=abc ; ext_1=some:value ;")->id, "abc");
}

TEST(StsRecord, AnythingElseIsNoRecord) {
    EXPECT_FALSE(parse_sts_record("v=STSv1;"));          // no id
    EXPECT_FALSE(parse_sts_record("v=stsv1; id=abc"));   // case-sensitive
    EXPECT_FALSE(parse_sts_record(" v=STSv1; id=abc"));  // version first
    EXPECT_FALSE(parse_sts_record("v=STSv1 id=abc"));    // no separator
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=ab-c"));  // letters and digits only
    EXPECT_FALSE(parse_sts_record("v=STSv1; id="));
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=" + std::string(33, 'a')));
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=a; id=b"));
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=a; -x=1"));  // extension names start alnum
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=a; x=a=b"));
    EXPECT_FALSE(parse_sts_record("v=STSv1; id=a;;"));
}

TEST(StsRecord, ExactlyOneStsv1RecordAmongTheTxtRecords) {
    EXPECT_EQ(select_sts_record({"v=spf1 -all", "v=STSv1; id=x1"})->id, "x1");
    EXPECT_FALSE(select_sts_record({"v=STSv1; id=x1", "v=STSv1; id=x2"}));
    EXPECT_FALSE(select_sts_record({"v=STSv1; id=x1", "v=STSv1; nonsense"}));
    EXPECT_FALSE(select_sts_record({"v=spf1 -all"}));
    EXPECT_FALSE(select_sts_record({}));
}

TEST(PolicyFile, TheRfcExampleParses) {
    auto parsed = parse_policy(
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
        "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
    ASSERT_TRUE(parsed.policy) << parsed.error;
    EXPECT_EQ(parsed.policy->mode, Mode::enforce);
    EXPECT_EQ(parsed.policy->max_age, 604800);
    EXPECT_EQ(parsed.policy->mx, (std::vector<std::string>{"mail.example.com", "*.example.net",
                                                           "backupmx.example.com"}));
}

TEST(PolicyFile, LfEndingsExtensionsAndOrderAreAccepted) {
    auto parsed = parse_policy(
        "mx: MX.Example.ORG\nmax_age:86400  \nx-note: hello\n"
        "mode: testing\nversion: STSv1");
    ASSERT_TRUE(parsed.policy) << parsed.error;
    EXPECT_EQ(parsed.policy->mode, Mode::testing);
    EXPECT_EQ(parsed.policy->mx, std::vector<std::string>{"mx.example.org"});
}

TEST(PolicyFile, MaxAgeIsCappedAtAboutAYear) {
    auto parsed = parse_policy("version: STSv1\nmode: none\nmax_age: 9999999999\n");
    ASSERT_TRUE(parsed.policy) << parsed.error;
    EXPECT_EQ(parsed.policy->max_age, kMaxPolicyAge);
}

TEST(PolicyFile, InvalidPoliciesAreRefusedWithAReason) {
    for (const char* body : {
             "mode: enforce\nmx: a.example\nmax_age: 1\n",                  // no version
             "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",  // wrong version
             "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",   // unknown mode
             "version: STSv1\nmode: enforce\nmx: a.example\n",              // no max_age
             "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n",
             "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n",
             "version: STSv1\nmode: enforce\nmax_age: 1\n",  // no mx
             "version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n",
             "version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n",
             "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\ngarbage\n",
             "<html>not a policy</html>",
         }) {
        auto parsed = parse_policy(body);
        EXPECT_FALSE(parsed.policy) << body;
        EXPECT_FALSE(parsed.error.empty()) << body;
    }
}

TEST(PolicyFile, ToTextParsesBackToTheSamePolicy) {
    Policy p{Mode::enforce, 86400, {"mx1.example.org", "*.example.net"}};
    auto parsed = parse_policy(to_text(p));
    ASSERT_TRUE(parsed.policy) << parsed.error;
    EXPECT_EQ(parsed.policy->mx, p.mx);
    EXPECT_EQ(parsed.policy->max_age, 86400);
    EXPECT_EQ(parsed.policy->mode, Mode::enforce);
}

TEST(MxMatching, ExactNamesAndOneLabelWildcards) {
    Policy p{Mode::enforce, 1, {"mail.example.com", "*.example.net"}};
    EXPECT_TRUE(mx_matches(p, "mail.example.com"));
    EXPECT_TRUE(mx_matches(p, "MAIL.Example.COM."));
    EXPECT_FALSE(mx_matches(p, "example.com"));
    EXPECT_FALSE(mx_matches(p, "other.mail.example.com"));
    EXPECT_TRUE(mx_matches(p, "mx1.example.net"));
    EXPECT_FALSE(mx_matches(p, "example.net"));      // §4.1: the wildcard is one label
    EXPECT_FALSE(mx_matches(p, "a.b.example.net"));  // and only one
    EXPECT_FALSE(mx_matches(p, ".example.net"));
    EXPECT_FALSE(mx_matches(p, "mx1.badexample.net"));
}

}  // namespace
}  // namespace sealbox::mtasts

// The Public Suffix List and the organizational domain of RFC 7489 §3.2.
#include "mailauth/dmarc/public_suffix.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace sealbox::mailauth::dmarc {
namespace {

using Sections = PublicSuffixList::Sections;

struct Case {
    const char* domain;
    const char* registrable;  // nullptr: none
};

// The public checkPublicSuffix cases (publicsuffix.org test list), against Debian's copy of the
// list; for U-label inputs the answer is the same domain in A-labels.
constexpr Case kCheckPublicSuffix[] = {
    // Mixed case.
    {"COM", nullptr},
    {"example.COM", "example.com"},
    {"WwW.example.COM", "example.com"},
    // Leading dot.
    {".com", nullptr},
    {".example", nullptr},
    {".example.com", nullptr},
    {".example.example", nullptr},
    // Unlisted TLD.
    {"example", nullptr},
    {"example.example", "example.example"},
    {"b.example.example", "example.example"},
    {"a.b.example.example", "example.example"},
    // TLD with only 1 rule.
    {"biz", nullptr},
    {"domain.biz", "domain.biz"},
    {"b.domain.biz", "domain.biz"},
    {"a.b.domain.biz", "domain.biz"},
    // TLD with some 2-level rules.
    {"com", nullptr},
    {"example.com", "example.com"},
    {"b.example.com", "example.com"},
    {"a.b.example.com", "example.com"},
    {"uk.com", nullptr},
    {"example.uk.com", "example.uk.com"},
    {"b.example.uk.com", "example.uk.com"},
    {"a.b.example.uk.com", "example.uk.com"},
    {"test.ac", "test.ac"},
    // TLD with only 1 (wildcard) rule.
    {"mm", nullptr},
    {"c.mm", nullptr},
    {"b.c.mm", "b.c.mm"},
    {"a.b.c.mm", "b.c.mm"},
    // More complex TLD.
    {"jp", nullptr},
    {"test.jp", "test.jp"},
    {"www.test.jp", "test.jp"},
    {"ac.jp", nullptr},
    {"test.ac.jp", "test.ac.jp"},
    {"www.test.ac.jp", "test.ac.jp"},
    {"kyoto.jp", nullptr},
    {"test.kyoto.jp", "test.kyoto.jp"},
    {"ide.kyoto.jp", nullptr},
    {"b.ide.kyoto.jp", "b.ide.kyoto.jp"},
    {"a.b.ide.kyoto.jp", "b.ide.kyoto.jp"},
    {"c.kobe.jp", nullptr},
    {"b.c.kobe.jp", "b.c.kobe.jp"},
    {"a.b.c.kobe.jp", "b.c.kobe.jp"},
    {"city.kobe.jp", "city.kobe.jp"},
    {"www.city.kobe.jp", "city.kobe.jp"},
    // TLD with a wildcard rule and exceptions.
    {"ck", nullptr},
    {"test.ck", nullptr},
    {"b.test.ck", "b.test.ck"},
    {"a.b.test.ck", "b.test.ck"},
    {"www.ck", "www.ck"},
    {"www.www.ck", "www.ck"},
    // US K12.
    {"us", nullptr},
    {"test.us", "test.us"},
    {"www.test.us", "test.us"},
    {"ak.us", nullptr},
    {"test.ak.us", "test.ak.us"},
    {"www.test.ak.us", "test.ak.us"},
    {"k12.ak.us", nullptr},
    {"test.k12.ak.us", "test.k12.ak.us"},
    {"www.test.k12.ak.us", "test.k12.ak.us"},
    // IDN labels.
    {"食狮.com.cn", "xn--85x722f.com.cn"},
    {"食狮.公司.cn", "xn--85x722f.xn--55qx5d.cn"},
    {"www.食狮.公司.cn", "xn--85x722f.xn--55qx5d.cn"},
    {"shishi.公司.cn", "shishi.xn--55qx5d.cn"},
    {"公司.cn", nullptr},
    {"食狮.中国", "xn--85x722f.xn--fiqs8s"},
    {"www.食狮.中国", "xn--85x722f.xn--fiqs8s"},
    {"shishi.中国", "shishi.xn--fiqs8s"},
    {"中国", nullptr},
    // Same as above, but punycoded.
    {"xn--85x722f.com.cn", "xn--85x722f.com.cn"},
    {"xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
    {"www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"},
    {"shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"},
    {"xn--55qx5d.cn", nullptr},
    {"xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
    {"www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"},
    {"shishi.xn--fiqs8s", "shishi.xn--fiqs8s"},
    {"xn--fiqs8s", nullptr},
};

std::optional<std::string> expected(const char* registrable) {
    return registrable ? std::optional<std::string>(registrable) : std::nullopt;
}

TEST(PublicSuffixList, PassesThePublicCheckPublicSuffixCasesWithTheSystemList) {
    const PublicSuffixList& list = PublicSuffixList::system();
    EXPECT_GT(list.size(), 5000U);
    for (const Case& c : kCheckPublicSuffix) {
        EXPECT_EQ(list.registrable_domain(c.domain), expected(c.registrable)) << c.domain;
    }
}

TEST(PublicSuffixList, IsLoadedOnceAndShared) {
    EXPECT_EQ(&PublicSuffixList::system(), &PublicSuffixList::system());
}

constexpr const char* kSmallList = R"(// A list in the published format.
// ===BEGIN ICANN DOMAINS===
com
*.ck
!www.ck
公司.cn
cn
// ===END ICANN DOMAINS===
// ===BEGIN PRIVATE DOMAINS===
blogspot.com
*.platform.example.com
// ===END PRIVATE DOMAINS===
)";

TEST(PublicSuffixList, AppliesWildcardAndExceptionRules) {
    auto list = PublicSuffixList::parse(kSmallList);
    EXPECT_EQ(list.public_suffix("a.b.ck"), "b.ck");
    EXPECT_EQ(list.public_suffix("a.www.ck"), "ck");
    EXPECT_EQ(list.registrable_domain("a.www.ck"), "www.ck");
    EXPECT_EQ(list.public_suffix("b.ck"), "b.ck");  // "*.ck" covers any one label under ck
    EXPECT_EQ(list.public_suffix("ck"), "ck");      // the implicit "*" rule
    EXPECT_EQ(list.public_suffix("host.example.org"), "org");
}

TEST(PublicSuffixList, ComparesInternationalizedRulesInALabels) {
    auto list = PublicSuffixList::parse(kSmallList);
    EXPECT_EQ(list.public_suffix("mail.xn--55qx5d.cn"), "xn--55qx5d.cn");
    EXPECT_EQ(list.public_suffix("MAIL.公司.CN"), "xn--55qx5d.cn");
}

TEST(PublicSuffixList, CanLeaveOutThePrivateSection) {
    auto list = PublicSuffixList::parse(kSmallList);
    EXPECT_EQ(list.registrable_domain("alice.blogspot.com"), "alice.blogspot.com");
    EXPECT_EQ(list.registrable_domain("alice.blogspot.com", Sections::icann_only), "blogspot.com");
    EXPECT_EQ(list.registrable_domain("a.b.platform.example.com"), "a.b.platform.example.com");
    EXPECT_EQ(list.registrable_domain("a.b.platform.example.com", Sections::icann_only),
              "example.com");
}

TEST(PublicSuffixList, OrganizationalDomainIsThePublicSuffixAndOneLabel) {
    auto list = PublicSuffixList::parse(kSmallList);
    // RFC 7489 §3.2 step 4: the matched suffix and the next label of the subject domain.
    EXPECT_EQ(list.organizational_domain("mail.corp.example.com."), "example.com");
    EXPECT_EQ(list.organizational_domain("example.com"), "example.com");
    // A public suffix has no next label: it stands for itself.
    EXPECT_EQ(list.organizational_domain("com"), "com");
    EXPECT_EQ(list.organizational_domain("a..com"), std::nullopt);
    EXPECT_EQ(list.organizational_domain(""), std::nullopt);
}

TEST(PublicSuffixList, ReportsAMissingFile) {
    EXPECT_ANY_THROW(PublicSuffixList::load("/nonexistent/public_suffix_list.dat"));
}

TEST(ToAsciiDomain, LowersCaseDropsTheFinalDotAndConvertsULabels) {
    EXPECT_EQ(to_ascii_domain("Mail.Example.ORG."), "mail.example.org");
    EXPECT_EQ(to_ascii_domain("bücher.example"), "xn--bcher-kva.example");
    EXPECT_EQ(to_ascii_domain("BÜCHER.example"), "xn--bcher-kva.example");
    EXPECT_EQ(to_ascii_domain("a b.example"), std::nullopt);
    EXPECT_EQ(to_ascii_domain("."), std::nullopt);
}

}  // namespace
}  // namespace sealbox::mailauth::dmarc

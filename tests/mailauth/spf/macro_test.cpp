// RFC 7208 §7: the examples of §7.4 and the rules of §7.3.

#include "mailauth/spf/macro.h"

#include <gtest/gtest.h>

namespace sealbox::mailauth::spf {
namespace {

MacroContext rfc_example(const char* ip) {  // §7.4
    MacroContext c;
    c.sender = "strong-bad@email.example.com";
    c.local_part = "strong-bad";
    c.sender_domain = "email.example.com";
    c.domain = "email.example.com";
    c.ip = boost::asio::ip::make_address(ip);
    c.helo = "mx.example.org";
    c.receiver = "mx.sealbox.example";
    c.timestamp = 1700000000;
    return c;
}

std::string expanded(std::string_view text, const MacroContext& c,
                     MacroUse use = MacroUse::domain_spec) {
    auto out = expand(text, c, use);
    EXPECT_TRUE(out) << text;
    return out.value_or("");
}

TEST(SpfMacro, ExamplesOfSection7_4) {
    auto c = rfc_example("192.0.2.3");
    EXPECT_EQ(expanded("%{s}", c), "strong-bad@email.example.com");
    EXPECT_EQ(expanded("%{o}", c), "email.example.com");
    EXPECT_EQ(expanded("%{d}", c), "email.example.com");
    EXPECT_EQ(expanded("%{d4}", c), "email.example.com");
    EXPECT_EQ(expanded("%{d3}", c), "email.example.com");
    EXPECT_EQ(expanded("%{d2}", c), "example.com");
    EXPECT_EQ(expanded("%{d1}", c), "com");
    EXPECT_EQ(expanded("%{dr}", c), "com.example.email");
    EXPECT_EQ(expanded("%{d2r}", c), "example.email");
    EXPECT_EQ(expanded("%{l}", c), "strong-bad");
    EXPECT_EQ(expanded("%{l-}", c), "strong.bad");
    EXPECT_EQ(expanded("%{lr}", c), "strong-bad");
    EXPECT_EQ(expanded("%{lr-}", c), "bad.strong");
    EXPECT_EQ(expanded("%{l1r-}", c), "strong");
    EXPECT_EQ(expanded("%{ir}.%{v}._spf.%{d2}", c), "3.2.0.192.in-addr._spf.example.com");
    EXPECT_EQ(expanded("%{lr-}.lp._spf.%{d2}", c), "bad.strong.lp._spf.example.com");
    EXPECT_EQ(expanded("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", c),
              "bad.strong.lp.3.2.0.192.in-addr._spf.example.com");
    EXPECT_EQ(expanded("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", c),
              "3.2.0.192.in-addr.strong.lp._spf.example.com");
    EXPECT_EQ(expanded("%{d2}.trusted-domains.example.net", c),
              "example.com.trusted-domains.example.net");
}

TEST(SpfMacro, Ipv6IsDotSeparatedNibbles) {  // §7.3, example of §7.4
    auto c = rfc_example("2001:db8::cb01");
    auto name = expanded("%{ir}.%{v}._spf.%{d2}", c);
    // The nibbles are written in upper case (as the public test suite expects); the RFC's
    // example is in lower case, and DNS names compare without case.
    for (char& ch : name) {
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    EXPECT_EQ(
        name,
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
    EXPECT_EQ(expanded("%{c}", c, MacroUse::explanation), "2001:db8::cb01");
}

TEST(SpfMacro, UppercaseLettersAreUrlEscaped) {  // §7.3
    auto c = rfc_example("192.0.2.3");
    c.local_part = "~jack&jill=up-a_b3.c";
    c.sender = "~jack&jill=up-a_b3.c@email.example.com";
    EXPECT_EQ(expanded("%{L}", c), "~jack%26jill%3Dup-a_b3.c");
    EXPECT_EQ(expanded("%{S}", c), "~jack%26jill%3Dup-a_b3.c%40email.example.com");
    EXPECT_EQ(expanded("%{l}", c), "~jack&jill=up-a_b3.c");
}

TEST(SpfMacro, EscapesAndLiterals) {  // §7.1
    auto c = rfc_example("192.0.2.3");
    EXPECT_EQ(expanded("a%%b%_c%-d", c), "a%b c%20d");
    EXPECT_FALSE(expand("%", c, MacroUse::domain_spec));
    EXPECT_FALSE(expand("%(ir)", c, MacroUse::domain_spec));
    EXPECT_FALSE(expand("foo%.bar", c, MacroUse::domain_spec));
    EXPECT_FALSE(expand("%{a}", c, MacroUse::domain_spec));   // no such letter
    EXPECT_FALSE(expand("%{d0}", c, MacroUse::domain_spec));  // DIGIT must be nonzero
    EXPECT_FALSE(expand("%{d", c, MacroUse::domain_spec));
    EXPECT_EQ(expanded("%{d99999999999999999999}", c), "email.example.com");
}

TEST(SpfMacro, ExplanationOnlyLetters) {  // §7.1: c, r, t only in exp text
    auto c = rfc_example("192.0.2.3");
    EXPECT_FALSE(expand("%{r}", c, MacroUse::domain_spec));
    EXPECT_FALSE(expand("%{c}", c, MacroUse::domain_spec));
    EXPECT_FALSE(expand("%{t}", c, MacroUse::domain_spec));
    EXPECT_EQ(expanded("%{c} via %{r} at %{t}", c, MacroUse::explanation),
              "192.0.2.3 via mx.sealbox.example at 1700000000");
    EXPECT_FALSE(expand("a b", c, MacroUse::domain_spec));  // spaces only in explanations
}

TEST(SpfMacro, DelimitersSplitAndDotsJoin) {  // §7.3
    auto c = rfc_example("192.0.2.3");
    c.local_part = "foo-bar+baz";
    EXPECT_EQ(expanded("%{l2r+-}", c), "bar.foo");  // reversed, then the right two
    EXPECT_EQ(expanded("%{l+}", c), "foo-bar.baz");
}

TEST(SpfMacro, DomainSpecEnd) {  // §12 domain-end
    EXPECT_TRUE(is_domain_spec("example.org"));
    EXPECT_TRUE(is_domain_spec("example.org."));
    EXPECT_TRUE(is_domain_spec("%{d}"));
    EXPECT_TRUE(is_domain_spec("%{ir}.%{v}._spf.%{d2}"));
    EXPECT_TRUE(is_domain_spec("foo.xn--zckzah"));
    EXPECT_FALSE(is_domain_spec(""));
    EXPECT_FALSE(is_domain_spec("museum."));
    EXPECT_FALSE(is_domain_spec("example.-com"));
    EXPECT_FALSE(is_domain_spec("abc.123"));
    EXPECT_FALSE(is_domain_spec("%{d}com"));
}

TEST(SpfMacro, KnowsWhenThePMacroIsNeeded) {
    EXPECT_TRUE(uses_validated_name("%{p}.example.org"));
    EXPECT_TRUE(uses_validated_name("connect from %{P2}"));
    EXPECT_FALSE(uses_validated_name("%%{p}"));
    EXPECT_FALSE(uses_validated_name("%{d}.p.example.org"));
}

}  // namespace
}  // namespace sealbox::mailauth::spf

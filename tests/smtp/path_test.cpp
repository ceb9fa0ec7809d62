#include "smtp/proto/path.h"

#include <gtest/gtest.h>

namespace sealbox::smtp {
namespace {

Mailbox forward(std::string_view text) {
    auto r = parse_path(text, PathRole::forward);
    auto* p = std::get_if<ParsedPath>(&r);
    if (p == nullptr || !p->mailbox) {
        ADD_FAILURE() << "not parsed: " << text;
        return {};
    }
    EXPECT_EQ(p->length, text.size()) << text;
    return *p->mailbox;
}

std::optional<PathError> error_of(std::string_view text, PathRole role = PathRole::forward) {
    auto r = parse_path(text, role);
    if (auto* e = std::get_if<PathError>(&r)) {
        return *e;
    }
    return std::nullopt;
}

TEST(Path, StopsAfterClosingBracket) {
    auto r = parse_path("<a@b.example> SIZE=10", PathRole::reverse);
    ASSERT_TRUE(std::holds_alternative<ParsedPath>(r));
    EXPECT_EQ(std::get<ParsedPath>(r).length, 13u);
}

TEST(Path, NullReversePathOnlyForMail) {
    auto r = parse_path("<>", PathRole::reverse);
    ASSERT_TRUE(std::holds_alternative<ParsedPath>(r));
    EXPECT_FALSE(std::get<ParsedPath>(r).mailbox);
    EXPECT_EQ(std::get<ParsedPath>(r).length, 2u);
    EXPECT_EQ(error_of("<>"), PathError::syntax);
}

TEST(Path, DomainIsLowerCasedAndLocalPartKept) {
    Mailbox m = forward("<John.Smith@Mail.EXAMPLE.org>");
    EXPECT_EQ(m.local_part, "John.Smith");
    EXPECT_EQ(m.domain, "mail.example.org");
    EXPECT_EQ(m.domain_kind, DomainKind::name);
    EXPECT_FALSE(m.quoted);
    EXPECT_FALSE(m.has_utf8);
    EXPECT_EQ(m.str(), "John.Smith@mail.example.org");
    auto address = m.to_mail_address();
    ASSERT_TRUE(address);
    EXPECT_EQ(address->str(), "John.Smith@mail.example.org");
}

TEST(Path, BadSyntax) {
    for (const char* bad : {"a@b",
                            "<a@b",
                            "<@b>",
                            "<a@>",
                            "<a>",
                            "<.a@b>",
                            "<a.@b>",
                            "<a..b@c>",
                            "<a@b..c>",
                            "<a@-b.c>",
                            "<a@b-.c>",
                            "<a@b.c.>",
                            "<a@b_c.d>",
                            "<a b@c>",
                            "<a@b c>",
                            "<a@@b>",
                            "<\"unterminated@b>",
                            "<\"a\"b@c>",
                            "<a@[1.2.3.4>",
                            "< a@b>",
                            "<a@b >",
                            "",
                            "<",
                            "<>"}) {
        EXPECT_EQ(error_of(bad), PathError::syntax) << bad;
    }
    // What follows the path is the caller's to refuse.
    auto r = parse_path("<a@b>>", PathRole::forward);
    ASSERT_TRUE(std::holds_alternative<ParsedPath>(r));
    EXPECT_EQ(std::get<ParsedPath>(r).length, 5u);
}

TEST(Path, QuotedLocalPartIsDecoded) {
    Mailbox m = forward(R"(<"john \"jr\" doe"@example.com>)");
    EXPECT_EQ(m.local_part, "john \"jr\" doe");
    EXPECT_TRUE(m.quoted);
    EXPECT_EQ(m.str(), R"("john \"jr\" doe"@example.com)");
    EXPECT_FALSE(m.to_mail_address());

    Mailbox odd = forward(R"(<"a>b@c\\d"@example.com>)");
    EXPECT_EQ(odd.local_part, R"(a>b@c\d)");

    // Quoting that was not needed is remembered but not reproduced.
    Mailbox plain = forward(R"(<"john"@example.com>)");
    EXPECT_TRUE(plain.quoted);
    EXPECT_EQ(plain.str(), "john@example.com");

    Mailbox empty = forward(R"(<""@example.com>)");
    EXPECT_EQ(empty.local_part, "");
    EXPECT_EQ(empty.str(), R"(""@example.com)");
}

TEST(Path, QuotedStringRejectsControls) {
    EXPECT_EQ(error_of("<\"a\tb\"@example.com>"), PathError::syntax);
    EXPECT_EQ(error_of("<\"a\\\tb\"@example.com>"), PathError::syntax);
}

TEST(Path, AddressLiterals) {
    Mailbox v4 = forward("<a@[192.0.2.1]>");
    EXPECT_EQ(v4.domain, "[192.0.2.1]");
    EXPECT_EQ(v4.domain_kind, DomainKind::ipv4);

    for (const char* six :
         {"<a@[IPv6:2001:db8::1]>", "<a@[IPv6:::1]>", "<a@[IPv6:::]>", "<a@[IPv6:1:2:3:4:5:6:7:8]>",
          "<a@[IPv6:::ffff:192.0.2.1]>", "<a@[IPv6:1:2:3:4:5:6:1.2.3.4]>", "<a@[ipv6:1::]>"}) {
        EXPECT_EQ(forward(six).domain_kind, DomainKind::ipv6) << six;
    }
    EXPECT_EQ(forward("<a@[IPv6:2001:DB8::A]>").domain, "[IPv6:2001:db8::a]");

    Mailbox general = forward("<a@[x-tag:some-thing]>");
    EXPECT_EQ(general.domain_kind, DomainKind::general);
    EXPECT_EQ(general.domain, "[x-tag:some-thing]");
    EXPECT_FALSE(general.to_mail_address());

    for (const char* bad : {"<a@[256.1.1.1]>", "<a@[1.2.3]>", "<a@[1.2.3.4.5]>", "<a@[1234.1.1.1]>",
                            "<a@[]>", "<a@[IPv6:1::2::3]>", "<a@[IPv6:12345::]>",
                            "<a@[IPv6:1:2:3:4:5:6:7:8:9]>", "<a@[IPv6:1:2:3:4:5:6:7]>",
                            "<a@[IPv6::1]>", "<a@[IPv6:1:2:3:4:5:6:7::8]>", "<a@[IPv6:1.2.3.4::]>",
                            "<a@[IPv6:g::1]>", "<a@[tag-:x]>", "<a@[tag:]>", "<a@[tag:a\\b]>"}) {
        EXPECT_EQ(error_of(bad), PathError::syntax) << bad;
    }
}

TEST(Path, SourceRouteIsIgnored) {
    Mailbox m = forward("<@relay1.example,@relay2.example:user@final.example>");
    EXPECT_EQ(m.str(), "user@final.example");
    EXPECT_EQ(error_of("<@relay1.example:>"), PathError::syntax);
    EXPECT_EQ(error_of("<@relay1.example user@final.example>"), PathError::syntax);
    EXPECT_EQ(error_of("<@:user@final.example>"), PathError::syntax);
    EXPECT_EQ(error_of("<@relay1.example,user@final.example>"), PathError::syntax);
}

TEST(Path, BarePostmasterOnlyAsForwardPath) {
    for (const char* text : {"<Postmaster>", "<postmaster>", "<POSTMASTER>"}) {
        Mailbox m = forward(text);
        EXPECT_EQ(m.domain_kind, DomainKind::none) << text;
        EXPECT_TRUE(m.domain.empty());
        EXPECT_EQ(m.str(), std::string_view(text).substr(1, 10));
    }
    EXPECT_EQ(error_of("<Postmaster>", PathRole::reverse), PathError::syntax);
    EXPECT_EQ(forward("<Postmaster@Example.com>").domain, "example.com");
}

TEST(Path, Utf8IsFlaggedAndMustBeWellFormed) {
    Mailbox m = forward("<\xe7\x94\xa8\xe6\x88\xb7@\xe4\xbe\x8b\xe5\xad\x90.example>");
    EXPECT_TRUE(m.has_utf8);
    EXPECT_TRUE(forward("<j\xc3\xb6rg@example.com>").has_utf8);
    EXPECT_TRUE(forward("<jorg@b\xc3\xbc\x63her.example>").has_utf8);
    EXPECT_TRUE(forward("<\"j\xc3\xb6 rg\"@example.com>").has_utf8);
    // Overlong "/", a lone continuation octet, a truncated sequence, a surrogate.
    for (const char* bad :
         {"<\xc0\xaf@example.com>", "<a\x80@example.com>", "<a\xe4\xbe@example.com>",
          "<\xed\xa0\x80@example.com>", "<a@ex\xffmple.com>"}) {
        EXPECT_EQ(error_of(bad), PathError::syntax) << bad;
    }
}

TEST(Path, LengthLimits) {
    const std::string local64(64, 'l');
    EXPECT_EQ(forward("<" + local64 + "@example.com>").local_part, local64);
    EXPECT_EQ(error_of("<" + local64 + "l@example.com>"), PathError::local_part_too_long);
    // The limit is on the local part as sent, quotes and escapes included.
    EXPECT_EQ(error_of("<\"" + std::string(63, 'q') + "\"@example.com>"),
              PathError::local_part_too_long);

    std::string domain;  // 4 labels of 63 plus dots: 255 octets
    for (int i = 0; i < 4; ++i) {
        domain += (i ? "." : "") + std::string(63, 'd');
    }
    ASSERT_EQ(domain.size(), 255u);
    // 255-octet domain is fine on its own, but "<a@" + 255 + ">" is 259 > 256.
    EXPECT_EQ(error_of("<a@" + domain + ">"), PathError::path_too_long);
    EXPECT_EQ(error_of("<a@" + domain + "x>"), PathError::domain_too_long);
    EXPECT_EQ(error_of("<a@" + std::string(64, 'd') + ".example>"), PathError::syntax);

    // 64 + "@" + 189 + "<>" = 256: the longest path allowed.
    std::string d189 =
        std::string(63, 'd') + "." + std::string(63, 'e') + "." + std::string(61, 'f');
    ASSERT_EQ(d189.size(), 189u);
    EXPECT_EQ(forward("<" + local64 + "@" + d189 + ">").domain, d189);
    EXPECT_EQ(error_of("<" + local64 + "@" + d189 + "f>"), PathError::path_too_long);
}

TEST(Path, StandaloneMailboxAndDomains) {
    auto m = parse_mailbox("e=mc2@example.com");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->local_part, "e=mc2");
    EXPECT_FALSE(parse_mailbox("<a@b>"));
    EXPECT_FALSE(parse_mailbox("a@b "));
    EXPECT_TRUE(is_valid_domain("mail.example.org"));
    EXPECT_FALSE(is_valid_domain("mail.example.org."));
    EXPECT_FALSE(is_valid_domain("my_pc"));
    EXPECT_TRUE(is_valid_address_literal("[192.0.2.1]"));
    EXPECT_FALSE(is_valid_address_literal("192.0.2.1"));
}

}  // namespace
}  // namespace sealbox::smtp

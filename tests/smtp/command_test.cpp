#include "smtp/proto/command.h"

#include <gtest/gtest.h>

namespace sealbox::smtp {
namespace {

template <typename T>
T parse_as(std::string_view line, const CommandLimits& limits = {}) {
    ParseResult r = parse_command(line, limits);
    if (auto* e = std::get_if<ParseError>(&r)) {
        ADD_FAILURE() << "'" << line << "' failed: " << e->code << " " << e->enhanced << " "
                      << e->text;
        return T{};
    }
    auto* t = std::get_if<T>(&std::get<Command>(r));
    if (t == nullptr) {
        ADD_FAILURE() << "'" << line << "' parsed as another command";
        return T{};
    }
    return *t;
}

ParseError error_of(std::string_view line, const CommandLimits& limits = {}) {
    ParseResult r = parse_command(line, limits);
    if (auto* e = std::get_if<ParseError>(&r)) {
        return *e;
    }
    ADD_FAILURE() << "'" << line << "' was accepted";
    return ParseError{0, "", "", false};
}

#define EXPECT_PARSE_ERROR(line, want_code, want_enhanced) \
    do {                                                   \
        ParseError e_ = error_of(line);                    \
        EXPECT_EQ(e_.code, want_code) << (line);           \
        EXPECT_EQ(e_.enhanced, want_enhanced) << (line);   \
    } while (0)

// --- HELO / EHLO / LHLO -------------------------------------------------------------------

TEST(Command, HelloVerbs) {
    Hello e = parse_as<Hello>("EHLO client.example.org");
    EXPECT_EQ(e.kind, Hello::Kind::ehlo);
    EXPECT_EQ(e.argument, "client.example.org");
    EXPECT_TRUE(e.valid_syntax);

    EXPECT_EQ(parse_as<Hello>("HELO client.example.org").kind, Hello::Kind::helo);
    EXPECT_EQ(parse_as<Hello>("LHLO client.example.org").kind, Hello::Kind::lhlo);
    EXPECT_EQ(parse_as<Hello>("ehlo x.example").kind, Hello::Kind::ehlo);
    EXPECT_EQ(parse_as<Hello>("eHlO x.example").kind, Hello::Kind::ehlo);
    EXPECT_TRUE(parse_as<Hello>("EHLO [192.0.2.1]").valid_syntax);
    EXPECT_TRUE(parse_as<Hello>("EHLO [IPv6:2001:db8::1]").valid_syntax);
}

TEST(Command, HelloAcceptsOddNamesButSaysSo) {
    Hello h = parse_as<Hello>("EHLO MY_PC");
    EXPECT_EQ(h.argument, "MY_PC");
    EXPECT_FALSE(h.valid_syntax);
    EXPECT_FALSE(parse_as<Hello>("HELO 192.0.2.1.").valid_syntax);
    EXPECT_FALSE(parse_as<Hello>("HELO two words").valid_syntax);
}

TEST(Command, HelloNeedsArgument) {
    EXPECT_PARSE_ERROR("EHLO", 501, "5.5.4");
    EXPECT_PARSE_ERROR("HELO ", 501, "5.5.4");
    EXPECT_PARSE_ERROR("LHLO", 501, "5.5.4");
}

// --- MAIL ---------------------------------------------------------------------------------

TEST(Command, MailFrom) {
    Mail m = parse_as<Mail>("MAIL FROM:<Alice@Example.ORG>");
    ASSERT_TRUE(m.from);
    EXPECT_EQ(m.from->local_part, "Alice");
    EXPECT_EQ(m.from->domain, "example.org");
    EXPECT_FALSE(m.params.size);
    EXPECT_FALSE(m.params.body);
    EXPECT_FALSE(m.params.smtputf8);

    EXPECT_TRUE(parse_as<Mail>("mail from:<a@b.example>").from);
    EXPECT_TRUE(parse_as<Mail>("MAIL FROM:<a@b.example>   ").from);
}

TEST(Command, MailNullSender) {
    Mail m = parse_as<Mail>("MAIL FROM:<>");
    EXPECT_FALSE(m.from);
    Mail with_params = parse_as<Mail>("MAIL FROM:<> SIZE=100 BODY=8BITMIME");
    EXPECT_FALSE(with_params.from);
    EXPECT_EQ(with_params.params.size, 100u);
}

TEST(Command, MailSpaceAfterColonIsAccepted) {
    // RFC 5321 has no space here; like most servers we take it, since it cannot be misread.
    Mail m = parse_as<Mail>("MAIL FROM: <a@b.example>");
    ASSERT_TRUE(m.from);
    EXPECT_EQ(m.from->str(), "a@b.example");
    EXPECT_FALSE(parse_as<Mail>("MAIL FROM:   <>").from);
    EXPECT_TRUE(parse_as<Mail>("MAIL  FROM:<a@b.example>").from);
    // A space before the colon, or none between verb and FROM, is not accepted.
    EXPECT_PARSE_ERROR("MAIL FROM :<a@b.example>", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAILFROM:<a@b.example>", 500, "5.5.2");
}

TEST(Command, MailSyntaxErrors) {
    EXPECT_PARSE_ERROR("MAIL", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM<a@b.example>", 501, "5.5.4");  // missing colon
    EXPECT_PARSE_ERROR("MAIL TO:<a@b.example>", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:a@b.example", 501, "5.1.7");  // no angle brackets
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example", 501, "5.1.7");
    EXPECT_PARSE_ERROR("MAIL FROM:<a b@c.example>", 501, "5.1.7");
    EXPECT_PARSE_ERROR("MAIL FROM:<Postmaster>", 501, "5.1.7");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example>SIZE=10", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example>>", 501, "5.5.4");
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example").text, "Bad sender address syntax");
}

TEST(Command, MailSize) {
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> SIZE=1000").params.size, 1000u);
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> size=0").params.size, 0u);
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> SIZE=18446744073709551615").params.size,
              18446744073709551615u);
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=abc", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=-1", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=1k", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE", 501, "5.5.4");
    // Fits 1*20DIGIT but not 64 bits: certainly too big.
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=18446744073709551616", 552, "5.3.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=99999999999999999999", 552, "5.3.4");
    // More than the 20 digits RFC 1870 allows.
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=000000000000000000001", 501, "5.5.4");
}

TEST(Command, MailBody) {
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> BODY=7BIT").params.body, Body::seven_bit);
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> BODY=8bitmime").params.body,
              Body::eight_bit_mime);
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> BODY=BINARYMIME").params.body,
              Body::binary_mime);
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> BODY=9BIT", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> BODY=", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> BODY", 501, "5.5.4");
}

TEST(Command, MailSmtputf8AndRequiretls) {
    Mail m = parse_as<Mail>("MAIL FROM:<j\xc3\xb6rg@example.com> SMTPUTF8 REQUIRETLS");
    EXPECT_TRUE(m.params.smtputf8);
    EXPECT_TRUE(m.params.requiretls);
    EXPECT_TRUE(m.from->has_utf8);
    // Parsed without SMTPUTF8 too; the session checks has_utf8 against the parameter.
    Mail no_flag = parse_as<Mail>("MAIL FROM:<j\xc3\xb6rg@example.com>");
    EXPECT_TRUE(no_flag.from->has_utf8);
    EXPECT_FALSE(no_flag.params.smtputf8);
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SMTPUTF8=yes", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> REQUIRETLS=1", 501, "5.5.4");
}

TEST(Command, MailDsnParameters) {
    Mail m = parse_as<Mail>("MAIL FROM:<a@b.example> RET=HDRS ENVID=QQ314159");
    EXPECT_EQ(m.params.ret, Ret::hdrs);
    EXPECT_EQ(m.params.envid, "QQ314159");
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> ret=full").params.ret, Ret::full);
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> ENVID=a+2Bb+20c").params.envid, "a+b c");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> RET=ALL", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> RET", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> ENVID=+ZZ", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> ENVID", 501, "5.5.4");
    // A CRLF hidden in xtext must not reach a DSN or a log.
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> ENVID=a+0D+0Ab", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> ENVID=a+00b", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> ENVID=a+C3+A9", 501, "5.5.4");  // not ASCII
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> ENVID=a+09b").params.envid, "a\tb");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> ENVID=" + std::string(101, 'e'), 501, "5.5.4");
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> ENVID=" + std::string(100, 'e'))
                  .params.envid->size(),
              100u);
}

TEST(Command, MailAuthParameter) {
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> AUTH=<>").params.auth, "<>");
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example> AUTH=e+3Dmc2@example.com").params.auth,
              "e=mc2@example.com");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> AUTH=nobody", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> AUTH=", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> AUTH=a+ZZ@b.example", 501, "5.5.4");
}

TEST(Command, MailAllParametersTogether) {
    Mail m = parse_as<Mail>(
        "MAIL FROM:<a@b.example> SIZE=5 BODY=8BITMIME SMTPUTF8 RET=FULL ENVID=x REQUIRETLS "
        "AUTH=<>");
    EXPECT_EQ(m.params.size, 5u);
    EXPECT_EQ(m.params.body, Body::eight_bit_mime);
    EXPECT_TRUE(m.params.smtputf8);
    EXPECT_EQ(m.params.ret, Ret::full);
    EXPECT_EQ(m.params.envid, "x");
    EXPECT_TRUE(m.params.requiretls);
    EXPECT_EQ(m.params.auth, "<>");
    // Several spaces between parameters are tolerated.
    EXPECT_EQ(parse_as<Mail>("MAIL FROM:<a@b.example>  SIZE=5   BODY=7BIT").params.size, 5u);
}

TEST(Command, MailUnknownAndDuplicateParameters) {
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> FOO=bar", 555, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> XYZ", 555, "5.5.4");
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example> X-FOO").text, "Unsupported parameter X-FOO");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> NOTIFY=NEVER", 555, "5.5.4");  // RCPT's
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=1 SIZE=2", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> size=1 SIZE=1", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SMTPUTF8 SMTPUTF8", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> BODY=7BIT BODY=8BITMIME", 501, "5.5.4");
    EXPECT_EQ(error_of("MAIL FROM:<a@b.example> RET=FULL RET=HDRS").text,
              "Duplicate RET parameter");
}

TEST(Command, MailBadParameterSyntax) {
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> =x", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> -SIZE=1", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SIZE=1=2", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> SI_ZE=1", 501, "5.5.4");
    EXPECT_PARSE_ERROR("MAIL FROM:<a@b.example> FOO=\xff", 501, "5.5.4");
}

// --- RCPT ---------------------------------------------------------------------------------

TEST(Command, RcptTo) {
    Rcpt r = parse_as<Rcpt>("RCPT TO:<Bob@Example.com>");
    EXPECT_EQ(r.to.local_part, "Bob");
    EXPECT_EQ(r.to.domain, "example.com");
    EXPECT_FALSE(r.params.notify);
    EXPECT_FALSE(r.params.orcpt);
    EXPECT_EQ(parse_as<Rcpt>("rcpt to: <bob@example.com>").to.str(), "bob@example.com");
}

TEST(Command, RcptSyntaxErrors) {
    EXPECT_PARSE_ERROR("RCPT", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO<b@example.com>", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT FROM:<b@example.com>", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<>", 501, "5.1.3");
    EXPECT_PARSE_ERROR("RCPT TO:b@example.com", 501, "5.1.3");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> SIZE=1", 555, "5.5.4");
    EXPECT_EQ(error_of("RCPT TO:<@example.com>").text, "Bad recipient address syntax");
}

TEST(Command, RcptPostmaster) {
    for (const char* line : {"RCPT TO:<Postmaster>", "RCPT TO:<postmaster>", "RCPT TO:<POSTMASTER>",
                             "rcpt to: <PostMaster>"}) {
        Rcpt r = parse_as<Rcpt>(line);
        EXPECT_EQ(r.to.domain_kind, DomainKind::none) << line;
        EXPECT_TRUE(r.to.domain.empty());
    }
    Rcpt with_domain = parse_as<Rcpt>("RCPT TO:<Postmaster@Example.com>");
    EXPECT_EQ(with_domain.to.domain_kind, DomainKind::name);
    EXPECT_EQ(with_domain.to.domain, "example.com");
    EXPECT_PARSE_ERROR("RCPT TO:<Postmasters>", 501, "5.1.3");
}

TEST(Command, RcptNotify) {
    Notify n = *parse_as<Rcpt>("RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE").params.notify;
    EXPECT_TRUE(n.success);
    EXPECT_TRUE(n.failure);
    EXPECT_FALSE(n.delay);
    EXPECT_FALSE(n.never);
    EXPECT_TRUE(parse_as<Rcpt>("RCPT TO:<b@example.com> NOTIFY=never").params.notify->never);
    Notify all =
        *parse_as<Rcpt>("RCPT TO:<b@example.com> NOTIFY=DELAY,SUCCESS,FAILURE").params.notify;
    EXPECT_TRUE(all.delay && all.success && all.failure);

    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=NEVER,SUCCESS", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=SUCCESS,NEVER", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=SOMETIMES", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=SUCCESS,,DELAY", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=SUCCESS,", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> NOTIFY=NEVER NOTIFY=NEVER", 501, "5.5.4");
}

TEST(Command, RcptOrcpt) {
    Orcpt o = *parse_as<Rcpt>("RCPT TO:<b@example.com> ORCPT=rfc822;Bob@Example.com").params.orcpt;
    EXPECT_EQ(o.addr_type, "rfc822");
    EXPECT_EQ(o.address, "Bob@Example.com");
    EXPECT_EQ(parse_as<Rcpt>("RCPT TO:<b@example.com> ORCPT=RFC822;b+2Bx@example.com")
                  .params.orcpt->address,
              "b+x@example.com");
    Rcpt both = parse_as<Rcpt>("RCPT TO:<b@example.com> NOTIFY=NEVER ORCPT=rfc822;b@example.com");
    EXPECT_TRUE(both.params.notify && both.params.orcpt);

    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc822", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=;b@example.com", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc822;", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc822;a+0Ab", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc822;+G0", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc(822);b", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc822;a ORCPT=rfc822;b", 501, "5.5.4");
}

TEST(Command, PathsInCommands) {
    Rcpt route = parse_as<Rcpt>("RCPT TO:<@hosta.example,@hostb.example:user@hostc.example>");
    EXPECT_EQ(route.to.str(), "user@hostc.example");

    Mail quoted = parse_as<Mail>(R"(MAIL FROM:<"odd \"name\"\\x"@example.com> SIZE=1)");
    EXPECT_EQ(quoted.from->local_part, R"(odd "name"\x)");
    EXPECT_TRUE(quoted.from->quoted);
    EXPECT_EQ(quoted.params.size, 1u);

    EXPECT_EQ(parse_as<Rcpt>("RCPT TO:<a@[192.0.2.7]>").to.domain_kind, DomainKind::ipv4);
    EXPECT_EQ(parse_as<Rcpt>("RCPT TO:<a@[IPv6:2001:db8::7]>").to.domain_kind, DomainKind::ipv6);
    EXPECT_EQ(parse_as<Rcpt>("RCPT TO:<a@[x-local:box7]>").to.domain_kind, DomainKind::general);
    EXPECT_PARSE_ERROR("RCPT TO:<a@[300.0.0.1]>", 501, "5.1.3");

    Rcpt utf8 = parse_as<Rcpt>("RCPT TO:<\xe7\x94\xa8\xe6\x88\xb7@example.com>");
    EXPECT_TRUE(utf8.to.has_utf8);
    EXPECT_FALSE(parse_as<Rcpt>("RCPT TO:<user@example.com>").to.has_utf8);
    EXPECT_PARSE_ERROR("RCPT TO:<\xc0\xaf@example.com>", 501, "5.1.3");
}

TEST(Command, PathLengthLimits) {
    const std::string local64(64, 'l');
    EXPECT_EQ(parse_as<Rcpt>("RCPT TO:<" + local64 + "@example.com>").to.local_part, local64);
    ParseError local = error_of("RCPT TO:<" + local64 + "l@example.com>");
    EXPECT_EQ(local.code, 501);
    EXPECT_EQ(local.enhanced, "5.1.3");
    EXPECT_EQ(local.text, "Local part too long");

    std::string long_domain;
    while (long_domain.size() < 256) {
        long_domain += std::string(50, 'd') + ".";
    }
    long_domain += "example";
    ParseError domain = error_of("MAIL FROM:<a@" + long_domain + ">");
    EXPECT_EQ(domain.code, 501);
    EXPECT_EQ(domain.enhanced, "5.1.7");
    EXPECT_EQ(domain.text, "Domain too long");

    std::string d200 = std::string(60, 'a') + "." + std::string(60, 'b') + "." +
                       std::string(60, 'c') + "." + std::string(18, 'd');
    ParseError path = error_of("RCPT TO:<" + local64 + "@" + d200 + ">");
    EXPECT_EQ(path.code, 501);
    EXPECT_EQ(path.text, "Path too long");
}

// --- Line length --------------------------------------------------------------------------

TEST(Command, LineLengthLimits) {
    // 512 octets with CRLF is the most a plain command may have.
    EXPECT_EQ(parse_as<Noop>("NOOP " + std::string(505, 'x')).argument.size(), 505u);
    EXPECT_PARSE_ERROR("NOOP " + std::string(506, 'x'), 500, "5.5.2");
    EXPECT_EQ(error_of("NOOP " + std::string(506, 'x')).text, "Line too long");
    EXPECT_PARSE_ERROR("EHLO " + std::string(600, 'x'), 500, "5.5.2");

    // Parameters may take RCPT beyond 512 (RFC 5321 §4.5.3.1.4, RFC 3461 §4.2).
    std::string rcpt = "RCPT TO:<b@example.com> NOTIFY=SUCCESS,FAILURE,DELAY ORCPT=rfc822;" +
                       std::string(450, 'o') + "@example.com";
    ASSERT_GT(rcpt.size() + 2, 512u);
    EXPECT_EQ(parse_as<Rcpt>(rcpt).params.orcpt->address.size(), 462u);
    // ... but never beyond the extended maximum.
    EXPECT_PARSE_ERROR("RCPT TO:<b@example.com> ORCPT=rfc822;" + std::string(2100, 'o'), 500,
                       "5.5.2");
}

TEST(Command, ExtendedLineLimitIsTheCallers) {
    std::string mail = "MAIL FROM:<a@example.com> SIZE=1 ENVID=" + std::string(100, 'e') +
                       " AUTH=" + std::string(60, 'a') + "@" + std::string(60, 'b') +
                       ".example BODY=8BITMIME RET=HDRS SMTPUTF8 REQUIRETLS";
    ASSERT_GT(mail.size() + 2, 300u);
    ASSERT_LT(mail.size() + 2, 400u);
    EXPECT_EQ(parse_as<Mail>(mail, CommandLimits{200, 400}).params.envid->size(), 100u);
    EXPECT_EQ(error_of(mail, CommandLimits{200, 300}).text, "Line too long");
    // The part before the parameters must still fit the plain limit.
    EXPECT_EQ(error_of(mail, CommandLimits{20, 2048}).text, "Line too long");
    EXPECT_EQ(error_of("NOOP " + std::string(30, 'x'), CommandLimits{20, 2048}).text,
              "Line too long");
    // AUTH likewise: the mechanism must fit, the initial response may go beyond.
    EXPECT_TRUE(parse_as<Auth>("AUTH PLAIN " + std::string(40, 'A'), CommandLimits{20, 2048})
                    .initial_response);
}

// --- Commands without arguments -----------------------------------------------------------

TEST(Command, SimpleVerbs) {
    parse_as<Data>("DATA");
    parse_as<Data>("data");
    parse_as<Data>("DATA   ");
    parse_as<Rset>("RSET");
    parse_as<Quit>("QUIT");
    parse_as<StartTls>("STARTTLS");
    parse_as<StartTls>("starttls");
    EXPECT_PARSE_ERROR("DATA now", 501, "5.5.4");
    EXPECT_PARSE_ERROR("RSET x", 501, "5.5.4");
    EXPECT_PARSE_ERROR("QUIT please", 501, "5.5.4");
    EXPECT_PARSE_ERROR("STARTTLS x", 501, "5.5.4");
}

TEST(Command, NoopHelpVrfyExpn) {
    EXPECT_EQ(parse_as<Noop>("NOOP").argument, "");
    EXPECT_EQ(parse_as<Noop>("NOOP hello world").argument, "hello world");
    EXPECT_EQ(parse_as<Help>("HELP").argument, "");
    EXPECT_EQ(parse_as<Help>("help MAIL").argument, "MAIL");

    Vrfy v = parse_as<Vrfy>("VRFY Smith");
    EXPECT_EQ(v.argument, "Smith");
    EXPECT_FALSE(v.smtputf8);
    Vrfy u = parse_as<Vrfy>("VRFY <j\xc3\xb6rg@example.com> SMTPUTF8");
    EXPECT_EQ(u.argument, "<j\xc3\xb6rg@example.com>");
    EXPECT_TRUE(u.smtputf8);
    EXPECT_EQ(parse_as<Vrfy>("VRFY SMTPUTF8").argument, "SMTPUTF8");
    EXPECT_EQ(parse_as<Expn>("EXPN staff-list").argument, "staff-list");
    EXPECT_TRUE(parse_as<Expn>("EXPN staff smtputf8").smtputf8);
    EXPECT_PARSE_ERROR("VRFY", 501, "5.5.4");
    EXPECT_PARSE_ERROR("EXPN ", 501, "5.5.4");
}

// --- BDAT ---------------------------------------------------------------------------------

TEST(Command, Bdat) {
    Bdat b = parse_as<Bdat>("BDAT 1000");
    EXPECT_EQ(b.size, 1000u);
    EXPECT_FALSE(b.last);
    Bdat last = parse_as<Bdat>("bdat 0 last");
    EXPECT_EQ(last.size, 0u);
    EXPECT_TRUE(last.last);
    EXPECT_EQ(parse_as<Bdat>("BDAT 007 LAST").size, 7u);
    EXPECT_EQ(parse_as<Bdat>("BDAT 18446744073709551615").size, 18446744073709551615u);

    for (const char* bad : {"BDAT", "BDAT x", "BDAT -1", "BDAT +1", "BDAT 1e3", "BDAT 10 MORE",
                            "BDAT 10 LAST x", "BDAT 18446744073709551616", "BDAT LAST"}) {
        ParseError e = error_of(bad);
        EXPECT_EQ(e.code, 501) << bad;
        EXPECT_EQ(e.enhanced, "5.5.4") << bad;
        // The chunk that follows cannot be delimited.
        EXPECT_TRUE(e.close_connection) << bad;
    }
    EXPECT_FALSE(error_of("DATA x").close_connection);
}

// --- AUTH ---------------------------------------------------------------------------------

TEST(Command, Auth) {
    Auth a = parse_as<Auth>("AUTH PLAIN");
    EXPECT_EQ(a.mechanism, "PLAIN");
    EXPECT_FALSE(a.initial_response);

    Auth ir = parse_as<Auth>("auth plain AHVzZXIAcGFzcw==");
    EXPECT_EQ(ir.mechanism, "PLAIN");
    EXPECT_EQ(ir.initial_response, "AHVzZXIAcGFzcw==");

    Auth empty = parse_as<Auth>("AUTH EXTERNAL =");
    ASSERT_TRUE(empty.initial_response);
    EXPECT_EQ(*empty.initial_response, "");

    EXPECT_EQ(parse_as<Auth>("AUTH SCRAM-SHA-256").mechanism, "SCRAM-SHA-256");
    EXPECT_EQ(parse_as<Auth>("AUTH x_y").mechanism, "X_Y");
}

TEST(Command, AuthErrors) {
    EXPECT_PARSE_ERROR("AUTH", 501, "5.5.4");
    EXPECT_PARSE_ERROR("AUTH PLAIN abc def", 501, "5.5.4");
    EXPECT_PARSE_ERROR("AUTH " + std::string(21, 'M'), 501, "5.5.4");
    EXPECT_PARSE_ERROR("AUTH PL*AIN", 501, "5.5.4");
    EXPECT_PARSE_ERROR("AUTH PLAIN abc!", 501, "5.5.2");
    EXPECT_PARSE_ERROR("AUTH PLAIN abc", 501, "5.5.2");   // not a multiple of 4
    EXPECT_PARSE_ERROR("AUTH PLAIN a=bc", 501, "5.5.2");  // padding in the middle
    EXPECT_PARSE_ERROR("AUTH PLAIN a===", 501, "5.5.2");
    EXPECT_PARSE_ERROR("AUTH PLAIN ==", 501, "5.5.2");
}

TEST(Command, AuthInitialResponseMayExceedPlainLineLimit) {
    // OAuth bearer tokens are often longer than 512 octets.
    std::string token(1500, 'A');
    EXPECT_EQ(parse_as<Auth>("AUTH XOAUTH2 " + token).initial_response->size(), 1500u);
    EXPECT_PARSE_ERROR("AUTH XOAUTH2 " + std::string(2100, 'A'), 500, "5.5.2");
}

// --- Unknown, unimplemented, malformed ----------------------------------------------------

TEST(Command, UnknownAndUnimplementedVerbs) {
    EXPECT_PARSE_ERROR("", 500, "5.5.2");
    EXPECT_PARSE_ERROR("   ", 500, "5.5.2");
    EXPECT_PARSE_ERROR(" NOOP", 500, "5.5.2");
    EXPECT_PARSE_ERROR("FOO", 500, "5.5.2");
    EXPECT_PARSE_ERROR("GET / HTTP/1.1", 500, "5.5.2");
    EXPECT_EQ(error_of("XYZZY").text, "Syntax error, command unrecognized");
    for (const char* verb : {"SEND FROM:<a@b>", "SOML", "SAML", "TURN", "ETRN example.com", "ATRN",
                             "BURL imap://x LAST"}) {
        EXPECT_PARSE_ERROR(verb, 502, "5.5.1");
    }
}

TEST(Command, ControlCharactersAreRefused) {
    EXPECT_PARSE_ERROR("NOOP a\nb", 500, "5.5.2");
    EXPECT_PARSE_ERROR("RCPT TO:<a@b.example>\rDATA", 500, "5.5.2");
    EXPECT_PARSE_ERROR(std::string("NOOP \0", 6), 500, "5.5.2");
    EXPECT_PARSE_ERROR("NOOP \x7f", 500, "5.5.2");
    EXPECT_EQ(parse_as<Noop>("NOOP a\tb").argument, "a\tb");
}

TEST(Command, ParseErrorBecomesReply) {
    ParseError e = error_of("MAIL FROM:<a@b.example> FOO=1");
    EXPECT_EQ(serialize(to_reply(e)), "555 5.5.4 Unsupported parameter FOO\r\n");
    EXPECT_EQ(serialize(to_reply(error_of("NOPE"))),
              "500 5.5.2 Syntax error, command unrecognized\r\n");
}

}  // namespace
}  // namespace sealbox::smtp

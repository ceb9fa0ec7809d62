#include "pop3/proto/command.h"

#include <gtest/gtest.h>

#include <string>

namespace sealbox::pop3 {
namespace {

template <typename T>
T parse_as(std::string_view line, const CommandLimits& limits = {}) {
    ParseResult r = parse_command(line, limits);
    if (auto* e = std::get_if<ParseError>(&r)) {
        ADD_FAILURE() << "'" << line << "' failed: " << e->text;
        return T{};
    }
    auto* t = std::get_if<T>(&std::get<Command>(r));
    if (t == nullptr) {
        ADD_FAILURE() << "'" << line << "' parsed as another command";
        return T{};
    }
    return *t;
}

std::string error_of(std::string_view line, const CommandLimits& limits = {}) {
    ParseResult r = parse_command(line, limits);
    if (auto* e = std::get_if<ParseError>(&r)) {
        return e->text;
    }
    ADD_FAILURE() << "'" << line << "' was accepted";
    return "";
}

// --- RFC 1939 commands ----------------------------------------------------------------------

TEST(Pop3Command, User) {
    EXPECT_EQ(parse_as<User>("USER alice@example.org").name, "alice@example.org");
    EXPECT_EQ(parse_as<User>("user bob").name, "bob");
    EXPECT_EQ(parse_as<User>("USER j\xC3\xB6rg").name, "j\xC3\xB6rg");  // RFC 6856 §3
    EXPECT_EQ(error_of("USER"), "Syntax: USER name");
    EXPECT_EQ(error_of("USER a b"), "Syntax: USER name");
    EXPECT_EQ(error_of("USER \xC3("), "Invalid user name");
}

TEST(Pop3Command, PassKeepsTheRestOfTheLine) {
    EXPECT_EQ(parse_as<Pass>("PASS secret").password, "secret");
    EXPECT_EQ(parse_as<Pass>("pass two words").password, "two words");
    EXPECT_EQ(parse_as<Pass>("PASS  leading and trailing ").password, " leading and trailing ");
    EXPECT_EQ(parse_as<Pass>("PASS tab\there").password, "tab\there");
    EXPECT_EQ(parse_as<Pass>("PASS \xFF\xFE").password, "\xFF\xFE");
    EXPECT_EQ(error_of("PASS"), "Syntax: PASS password");
    EXPECT_EQ(error_of("PASS "), "Syntax: PASS password");
}

TEST(Pop3Command, PasswordNeverInErrorText) {
    const std::string password = "hunter2-very-secret";
    std::string too_long = "PASS " + password + std::string(300, 'x');
    EXPECT_EQ(error_of(too_long).find("hunter2"), std::string::npos);
    std::string with_nul = "PASS " + password + std::string(1, '\0');
    EXPECT_EQ(error_of(with_nul).find("hunter2"), std::string::npos);
    // A password typed as a command is not echoed either.
    EXPECT_EQ(error_of(password), "Unknown command");
    EXPECT_EQ(to_response(ParseError{error_of(password)}), "-ERR Unknown command\r\n");
}

TEST(Pop3Command, NoArgumentCommands) {
    EXPECT_TRUE(std::holds_alternative<Quit>(std::get<Command>(parse_command("QUIT"))));
    EXPECT_TRUE(std::holds_alternative<Stat>(std::get<Command>(parse_command("stat"))));
    EXPECT_TRUE(std::holds_alternative<Noop>(std::get<Command>(parse_command("NoOp"))));
    EXPECT_TRUE(std::holds_alternative<Rset>(std::get<Command>(parse_command("RSET"))));
    EXPECT_TRUE(std::holds_alternative<Capa>(std::get<Command>(parse_command("capa"))));
    EXPECT_TRUE(std::holds_alternative<Stls>(std::get<Command>(parse_command("STLS"))));
    EXPECT_TRUE(std::holds_alternative<Utf8>(std::get<Command>(parse_command("UTF8"))));
    EXPECT_EQ(error_of("QUIT now"), "QUIT takes no arguments");
    EXPECT_EQ(error_of("STAT 1"), "STAT takes no arguments");
    EXPECT_EQ(error_of("NOOP x"), "NOOP takes no arguments");
    EXPECT_EQ(error_of("RSET 1"), "RSET takes no arguments");
    EXPECT_EQ(error_of("CAPA x"), "CAPA takes no arguments");
    EXPECT_EQ(error_of("STLS x"), "STLS takes no arguments");
    EXPECT_EQ(error_of("UTF8 x"), "UTF8 takes no arguments");
}

TEST(Pop3Command, TrailingSpaceIsTolerated) {
    EXPECT_TRUE(std::holds_alternative<Quit>(std::get<Command>(parse_command("QUIT "))));
    EXPECT_EQ(parse_as<Retr>("RETR 3  ").message, 3u);
}

TEST(Pop3Command, ListAndUidl) {
    EXPECT_FALSE(parse_as<List>("LIST").message.has_value());
    EXPECT_EQ(parse_as<List>("LIST 2").message, 2u);
    EXPECT_FALSE(parse_as<Uidl>("uidl").message.has_value());
    EXPECT_EQ(parse_as<Uidl>("UIDL 17").message, 17u);
    EXPECT_EQ(error_of("LIST 1 2"), "Syntax: LIST [msg]");
    EXPECT_EQ(error_of("UIDL 1 2"), "Syntax: UIDL [msg]");
    EXPECT_EQ(error_of("LIST x"), "Invalid message number");
    EXPECT_EQ(error_of("UIDL 0"), "Invalid message number");
}

TEST(Pop3Command, RetrAndDele) {
    EXPECT_EQ(parse_as<Retr>("RETR 1").message, 1u);
    EXPECT_EQ(parse_as<Dele>("dele 42").message, 42u);
    EXPECT_EQ(parse_as<Retr>("RETR 007").message, 7u);
    EXPECT_EQ(error_of("RETR"), "Syntax: RETR msg");
    EXPECT_EQ(error_of("DELE"), "Syntax: DELE msg");
    EXPECT_EQ(error_of("RETR 1 2"), "Syntax: RETR msg");
    EXPECT_EQ(error_of("RETR 0"), "Invalid message number");
    EXPECT_EQ(error_of("DELE -1"), "Invalid message number");
    EXPECT_EQ(error_of("DELE +1"), "Invalid message number");
    EXPECT_EQ(error_of("RETR 1x"), "Invalid message number");
}

TEST(Pop3Command, MessageNumbersFitIn32Bits) {
    EXPECT_EQ(parse_as<Retr>("RETR 4294967295").message, 4294967295u);
    EXPECT_EQ(error_of("RETR 4294967296"), "Invalid message number");
    EXPECT_EQ(error_of("RETR 99999999999999999999999999"), "Invalid message number");
    EXPECT_EQ(error_of("LIST 18446744073709551617"), "Invalid message number");
    EXPECT_EQ(parse_as<Retr>("RETR 0000000001").message, 1u);
}

TEST(Pop3Command, Top) {
    Top t = parse_as<Top>("TOP 3 10");
    EXPECT_EQ(t.message, 3u);
    EXPECT_EQ(t.lines, 10u);
    EXPECT_EQ(parse_as<Top>("top 1 0").lines, 0u);  // RFC 1939 §7: n is non-negative
    EXPECT_EQ(parse_as<Top>("TOP 1 4294967295").lines, 4294967295u);
    EXPECT_EQ(error_of("TOP 1"), "Syntax: TOP msg n");
    EXPECT_EQ(error_of("TOP"), "Syntax: TOP msg n");
    EXPECT_EQ(error_of("TOP 1 2 3"), "Syntax: TOP msg n");
    EXPECT_EQ(error_of("TOP 0 1"), "Invalid message number");
    EXPECT_EQ(error_of("TOP 1 -1"), "Invalid line count");
    EXPECT_EQ(error_of("TOP 1 4294967296"), "Invalid line count");
}

TEST(Pop3Command, ArgumentsAreSeparatedBySingleSpaces) {
    const std::string want = "Arguments must be separated by a single space";
    EXPECT_EQ(error_of("RETR  1"), want);
    EXPECT_EQ(error_of("TOP 1  2"), want);
    EXPECT_EQ(error_of("TOP 1\t2"), want);
    EXPECT_EQ(error_of("LIST\t1"), "Invalid character in command");
}

TEST(Pop3Command, ApopIsUnknown) {
    EXPECT_EQ(error_of("APOP mrose c4c9334bac560ecc979e58001b3e22fb"), "Unknown command");
}

TEST(Pop3Command, UnknownAndEmpty) {
    EXPECT_EQ(error_of(""), "Unknown command");
    EXPECT_EQ(error_of(" QUIT"), "Unknown command");
    EXPECT_EQ(error_of("XYZZY"), "Unknown command");
    EXPECT_EQ(error_of("QUITX"), "Unknown command");
    EXPECT_EQ(error_of("EHLO example.org"), "Unknown command");
}

// --- AUTH (RFC 5034 §4) ------------------------------------------------------------------------

TEST(Pop3Command, Auth) {
    Auth a = parse_as<Auth>("AUTH plain");
    EXPECT_EQ(a.mechanism, "PLAIN");
    EXPECT_FALSE(a.initial_response.has_value());

    a = parse_as<Auth>("AUTH PLAIN AGFsaWNlAHNlY3JldA==");
    EXPECT_EQ(a.initial_response, "AGFsaWNlAHNlY3JldA==");

    a = parse_as<Auth>("auth PLAIN =");  // an empty initial response
    ASSERT_TRUE(a.initial_response.has_value());
    EXPECT_TRUE(a.initial_response->empty());

    EXPECT_EQ(parse_as<Auth>("AUTH SCRAM-SHA-256").mechanism, "SCRAM-SHA-256");
    EXPECT_TRUE(std::holds_alternative<AuthList>(std::get<Command>(parse_command("AUTH"))));

    EXPECT_EQ(error_of("AUTH PLAIN a b"), "Syntax: AUTH mechanism [initial-response]");
    EXPECT_EQ(error_of("AUTH PL*AIN"), "Invalid mechanism name");
    EXPECT_EQ(error_of("AUTH ABCDEFGHIJKLMNOPQRSTU"), "Invalid mechanism name");  // 21 chars
    EXPECT_EQ(error_of("AUTH PLAIN not-base64!"), "Cannot decode initial response");
}

TEST(Pop3Command, AuthInitialResponseMustFitTheCommandLine) {
    std::string line = "AUTH PLAIN " + std::string(300, 'A');
    EXPECT_EQ(error_of(line), "Line too long");
}

TEST(Pop3Command, AuthResponseLines) {
    auto r = parse_auth_response("AGFsaWNlAHNlY3JldA==");
    ASSERT_TRUE(std::holds_alternative<AuthResponse>(r));
    EXPECT_EQ(std::get<AuthResponse>(r).base64, "AGFsaWNlAHNlY3JldA==");

    r = parse_auth_response("");
    ASSERT_TRUE(std::holds_alternative<AuthResponse>(r));
    EXPECT_TRUE(std::get<AuthResponse>(r).base64.empty());

    EXPECT_TRUE(std::holds_alternative<AuthCancel>(parse_auth_response("*")));
    EXPECT_TRUE(std::holds_alternative<ParseError>(parse_auth_response("**")));
    EXPECT_TRUE(std::holds_alternative<ParseError>(parse_auth_response("* ")));
    EXPECT_TRUE(std::holds_alternative<ParseError>(parse_auth_response("abc def")));
    EXPECT_TRUE(std::holds_alternative<ParseError>(parse_auth_response(std::string("a\0b", 3))));

    // Longer than a command line is fine, up to the response limit.
    std::string long_line(4000, 'A');
    EXPECT_TRUE(std::holds_alternative<AuthResponse>(parse_auth_response(long_line)));
    CommandLimits small{255, 100};
    auto e = parse_auth_response(long_line, small);
    ASSERT_TRUE(std::holds_alternative<ParseError>(e));
    EXPECT_EQ(std::get<ParseError>(e).text, "Line too long");
}

// --- hostile input ------------------------------------------------------------------------------

TEST(Pop3Command, LineLimitComesFromLimits) {
    // RFC 2449 §4: 255 octets including CRLF, so 253 octets of line.
    std::string at_limit = "USER " + std::string(248, 'a');
    ASSERT_EQ(at_limit.size(), 253u);
    EXPECT_EQ(parse_as<User>(at_limit).name.size(), 248u);
    EXPECT_EQ(error_of(at_limit + "a"), "Line too long");

    CommandLimits small{20, 100};
    EXPECT_EQ(error_of("USER abcdefghijklmn", small), "Line too long");
    EXPECT_EQ(parse_as<User>("USER abcdefghijklm", small).name, "abcdefghijklm");
    EXPECT_EQ(error_of(std::string(100000, 'A')), "Line too long");
}

TEST(Pop3Command, ControlCharactersAreRefused) {
    EXPECT_EQ(error_of(std::string("RETR 1\0", 7)), "Invalid character in command");
    EXPECT_EQ(error_of(std::string("\0", 1)), "Invalid character in command");
    EXPECT_EQ(error_of("USER a\rb"), "Invalid character in command");
    EXPECT_EQ(error_of("USER a\nb"), "Invalid character in command");
    EXPECT_EQ(error_of("QUIT\x7f"), "Invalid character in command");
    EXPECT_EQ(error_of("PASS a\nb"), "Invalid character in command");
}

TEST(Pop3Command, EightBitGarbage) {
    EXPECT_EQ(error_of("\xFF\xFE\xFD"), "Unknown command");
    EXPECT_EQ(error_of("R\xC3\x89TR 1"), "Unknown command");
    EXPECT_EQ(error_of("RETR \xB9"), "Invalid message number");
    EXPECT_EQ(error_of("AUTH PL\xC3\x89"), "Invalid mechanism name");
    EXPECT_EQ(error_of("USER \x80\x80"), "Invalid user name");
}

}  // namespace
}  // namespace sealbox::pop3

#include "pop3/proto/command.h"

#include <algorithm>
#include <iterator>
#include <vector>

#include "pop3/proto/response.h"
#include "smtp/proto/chars.h"

namespace sealbox::pop3 {
namespace {

using smtp::chars::iequals;
using smtp::chars::is_alnum;
using smtp::chars::is_digit;

constexpr std::size_t kMaxMechanism = 20;     // RFC 4422 §3.1: sasl-mech = 1*20mech-char
constexpr std::size_t kMaxNumberDigits = 10;  // 4294967295

ParseError error(std::string text) {
    return ParseError{std::move(text)};
}

// A CR or LF here means the session split the stream somewhere other than at CRLF; NUL and the
// other controls are outside every POP3 argument. HTAB is let through for passwords only.
bool has_forbidden_control(std::string_view line) {
    return std::any_of(line.begin(), line.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

// RFC 1939 §3: "Keywords and arguments are separated by a single SPACE character", so an empty
// token (two spaces in a row) is a syntax error rather than something to skip.
std::optional<std::vector<std::string_view>> split_arguments(std::string_view args) {
    std::vector<std::string_view> out;
    if (args.empty()) {
        return out;
    }
    while (true) {
        std::size_t end = args.find(' ');
        std::string_view token = args.substr(0, end);
        if (token.empty() || token.find('\t') != std::string_view::npos) {
            return std::nullopt;
        }
        out.push_back(token);
        if (end == std::string_view::npos) {
            return out;
        }
        args.remove_prefix(end + 1);
    }
}

// RFC 1939 §3: message numbers are decimal; this server numbers from 1 and never past 2^32-1.
std::optional<std::uint32_t> to_u32(std::string_view digits) {
    if (digits.empty() || digits.size() > kMaxNumberDigits ||
        !std::all_of(digits.begin(), digits.end(), is_digit)) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (char c : digits) {
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > UINT32_MAX) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

std::optional<std::uint32_t> message_number(std::string_view token) {
    auto n = to_u32(token);
    if (!n || *n == 0) {
        return std::nullopt;
    }
    return n;
}

ParseError bad_message_number() {
    return error("Invalid message number");
}

// RFC 4648 §4 alphabet with padding; the session's decoder checks the exact form.
bool is_base64_text(std::string_view s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return is_alnum(c) || c == '+' || c == '/' || c == '='; });
}

template <typename T>
ParseResult no_args(const std::vector<std::string_view>& args, std::string_view verb) {
    if (!args.empty()) {
        return error(std::string(verb) + " takes no arguments");
    }
    return Command{T{}};
}

// LIST and UIDL (RFC 1939 §5, §7): "[msg]"
template <typename T>
ParseResult optional_message(const std::vector<std::string_view>& args, std::string_view verb) {
    if (args.size() > 1) {
        return error("Syntax: " + std::string(verb) + " [msg]");
    }
    T out;
    if (args.size() == 1) {
        out.message = message_number(args[0]);
        if (!out.message) {
            return bad_message_number();
        }
    }
    return Command{out};
}

// RETR and DELE (RFC 1939 §5): "msg"
template <typename T>
ParseResult one_message(const std::vector<std::string_view>& args, std::string_view verb) {
    if (args.size() != 1) {
        return error("Syntax: " + std::string(verb) + " msg");
    }
    auto n = message_number(args[0]);
    if (!n) {
        return bad_message_number();
    }
    return Command{T{*n}};
}

// RFC 1939 §7: TOP msg n, "n" non-negative.
ParseResult parse_top(const std::vector<std::string_view>& args) {
    if (args.size() != 2) {
        return error("Syntax: TOP msg n");
    }
    auto n = message_number(args[0]);
    if (!n) {
        return bad_message_number();
    }
    auto lines = to_u32(args[1]);
    if (!lines) {
        return error("Invalid line count");
    }
    return Command{Top{*n, *lines}};
}

// RFC 1939 §7: USER name
ParseResult parse_user(const std::vector<std::string_view>& args) {
    if (args.size() != 1) {
        return error("Syntax: USER name");
    }
    if (!smtp::chars::valid_utf8(args[0])) {
        return error("Invalid user name");
    }
    return Command{User{std::string(args[0])}};
}

// RFC 5034 §4: "AUTH" SP sasl-mech [SP initial-response]; initial-response = base64 / "="
ParseResult parse_auth(const std::vector<std::string_view>& args) {
    if (args.empty()) {
        return Command{AuthList{}};
    }
    if (args.size() > 2) {
        return error("Syntax: AUTH mechanism [initial-response]");
    }
    std::string_view mech = args[0];
    if (mech.size() > kMaxMechanism || !std::all_of(mech.begin(), mech.end(), [](char c) {
            return is_alnum(c) || c == '-' || c == '_';
        })) {
        return error("Invalid mechanism name");
    }
    Auth auth;
    std::transform(mech.begin(), mech.end(), std::back_inserter(auth.mechanism),
                   smtp::chars::to_upper);
    if (args.size() == 2) {
        if (args[1] == "=") {
            auth.initial_response.emplace();
        } else if (is_base64_text(args[1])) {
            auth.initial_response = std::string(args[1]);
        } else {
            return error("Cannot decode initial response");
        }
    }
    return Command{std::move(auth)};
}

}  // namespace

ParseResult parse_command(std::string_view line, const CommandLimits& limits) {
    if (line.size() + 2 > limits.max_line) {  // RFC 2449 §4
        return error("Line too long");
    }
    if (has_forbidden_control(line)) {
        return error("Invalid character in command");
    }
    const std::size_t space = line.find(' ');
    const std::string_view verb = line.substr(0, space);
    const std::string_view rest =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);

    // RFC 1939 §7: the password is everything after the keyword's space, taken as is.
    if (iequals(verb, "PASS")) {
        if (rest.empty()) {
            return error("Syntax: PASS password");
        }
        return Command{Pass{std::string(rest)}};
    }
    if (verb.find('\t') != std::string_view::npos) {
        return error("Invalid character in command");
    }

    // Trailing white space is a common client quirk and never meaningful outside PASS.
    std::string_view trimmed = rest;
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) {
        trimmed.remove_suffix(1);
    }
    auto args = split_arguments(trimmed);
    if (!args) {
        return error("Arguments must be separated by a single space");
    }
    if (iequals(verb, "USER")) {
        return parse_user(*args);
    }
    if (iequals(verb, "STAT")) {
        return no_args<Stat>(*args, "STAT");
    }
    if (iequals(verb, "LIST")) {
        return optional_message<List>(*args, "LIST");
    }
    if (iequals(verb, "RETR")) {
        return one_message<Retr>(*args, "RETR");
    }
    if (iequals(verb, "DELE")) {
        return one_message<Dele>(*args, "DELE");
    }
    if (iequals(verb, "TOP")) {
        return parse_top(*args);
    }
    if (iequals(verb, "UIDL")) {
        return optional_message<Uidl>(*args, "UIDL");
    }
    if (iequals(verb, "NOOP")) {
        return no_args<Noop>(*args, "NOOP");
    }
    if (iequals(verb, "RSET")) {
        return no_args<Rset>(*args, "RSET");
    }
    if (iequals(verb, "QUIT")) {
        return no_args<Quit>(*args, "QUIT");
    }
    if (iequals(verb, "CAPA")) {
        return no_args<Capa>(*args, "CAPA");
    }
    if (iequals(verb, "STLS")) {
        return no_args<Stls>(*args, "STLS");
    }
    if (iequals(verb, "AUTH")) {
        return parse_auth(*args);
    }
    if (iequals(verb, "UTF8")) {
        return no_args<Utf8>(*args, "UTF8");
    }
    // APOP lands here on purpose (see command.h). The keyword is not echoed: it may be a
    // password typed in the wrong place.
    return error("Unknown command");
}

AuthLineResult parse_auth_response(std::string_view line, const CommandLimits& limits) {
    if (line.size() + 2 > limits.max_auth_line) {
        return error("Line too long");
    }
    // RFC 5034 §4: a line of a single "*" cancels the exchange.
    if (line == "*") {
        return AuthCancel{};
    }
    if (!is_base64_text(line)) {
        return error("Cannot decode response");
    }
    return AuthResponse{std::string(line)};
}

std::string to_response(const ParseError& e) {
    return err(e.text);
}

}  // namespace sealbox::pop3

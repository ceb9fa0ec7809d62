#pragma once
// POP3 commands as the client sends them: RFC 1939 §5-§7, CAPA (RFC 2449 §5), STLS (RFC 2595
// §4), AUTH (RFC 5034 §4) and UTF8 (RFC 6856 §2). Parsing only: whether a command is allowed
// in the current state (AUTHORIZATION or TRANSACTION, RFC 1939 §3) is the session's decision.
// APOP (RFC 1939 §7) is deliberately unknown: it needs the password kept as an MD5 shared
// secret, which Sealbox never stores.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace sealbox::pop3 {

struct CommandLimits {
    // RFC 2449 §4: a command line is at most 255 octets including the CRLF. The session should
    // stop reading a command line at this length too.
    std::size_t max_line = 255;
    // A SASL response line (RFC 5034 §4) is not a command and may carry more than a command
    // line: 12288 octets is what RFC 4954 §4 asks SMTP servers to accept for the same data.
    std::size_t max_auth_line = 12288;
};

// RFC 1939 §7
struct User {
    std::string name;  // one argument, valid UTF-8 (RFC 6856 §3 allows UTF-8 names)
};
struct Pass {
    // The rest of the line after "PASS ", spaces included (RFC 1939 §7 notes servers commonly
    // allow spaces in passwords). Never log it.
    std::string password;
};
struct Quit {};  // RFC 1939 §5 and §6
struct Stat {};  // RFC 1939 §5
struct List {    // RFC 1939 §5
    std::optional<std::uint32_t> message;
};
struct Retr {  // RFC 1939 §5
    std::uint32_t message = 0;
};
struct Dele {  // RFC 1939 §5
    std::uint32_t message = 0;
};
struct Noop {};  // RFC 1939 §5
struct Rset {};  // RFC 1939 §5
struct Top {     // RFC 1939 §7
    std::uint32_t message = 0;
    std::uint32_t lines = 0;  // body lines wanted; zero is allowed ("non-negative")
};
struct Uidl {  // RFC 1939 §7
    std::optional<std::uint32_t> message;
};
struct Capa {};             // RFC 2449 §5
struct Stls {};             // RFC 2595 §4
struct Auth {               // RFC 5034 §4
    std::string mechanism;  // upper case
    // Absent: none sent. Empty: "=" was sent (an empty response). Otherwise still base64.
    std::optional<std::string> initial_response;
};
// "AUTH" with no mechanism: not in RFC 5034, but clients from the RFC 1734 era send it to list
// the mechanisms, and common servers answer with a multi-line list, as CAPA's SASL line does.
struct AuthList {};
struct Utf8 {};  // RFC 6856 §2

using Command = std::variant<User, Pass, Quit, Stat, List, Retr, Dele, Noop, Rset, Top, Uidl, Capa,
                             Stls, Auth, AuthList, Utf8>;

// The text of the "-ERR" the server should send for a line it could not accept. It never
// repeats the line, so a password sent by mistake as a command cannot come back or reach a log.
struct ParseError {
    std::string text;
};

using ParseResult = std::variant<Command, ParseError>;

// line: one command line without its CRLF.
ParseResult parse_command(std::string_view line, const CommandLimits& limits = {});

// The client's answer to a "+ challenge" during AUTH (RFC 5034 §4).
struct AuthResponse {
    std::string base64;  // may be empty (an empty response); the session decodes it
};
struct AuthCancel {};  // "*": the server must answer -ERR (RFC 5034 §4)

using AuthLineResult = std::variant<AuthResponse, AuthCancel, ParseError>;

// line: one SASL response line without its CRLF.
AuthLineResult parse_auth_response(std::string_view line, const CommandLimits& limits = {});

// "-ERR text\r\n".
std::string to_response(const ParseError& error);

}  // namespace sealbox::pop3

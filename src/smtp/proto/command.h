#pragma once
// SMTP and LMTP commands as the client sends them (RFC 5321 §4.1, RFC 2033 and the extensions
// named beside each field). Parsing only: whether a command is allowed now, and whether the
// server advertised the extension a parameter belongs to, is the session's decision.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "smtp/proto/path.h"
#include "smtp/proto/reply.h"

namespace sealbox::smtp {

struct CommandLimits {
    // RFC 5321 §4.5.3.1.4: a command line is at most 512 octets including CRLF.
    std::size_t max_line = 512;
    // §4.5.3.1.4 lets extensions lengthen the line (RFC 1870 §3, RFC 3461 §4, RFC 4954 §5 for
    // MAIL and RCPT parameters). Text before the parameters of MAIL and RCPT, and before the
    // initial response of AUTH, must still fit max_line; the whole line must fit this. The
    // session should stop reading a line at this length too.
    std::size_t max_extended_line = 2048;
};

// HELO (RFC 5321 §4.1.1.1), EHLO, and LHLO (RFC 2033 §4).
struct Hello {
    enum class Kind { helo, ehlo, lhlo };
    Kind kind = Kind::ehlo;
    std::string argument;       // as sent, trimmed; never empty
    bool valid_syntax = false;  // a Domain or an address literal, as RFC 5321 asks
};

enum class Body { seven_bit, eight_bit_mime, binary_mime };  // RFC 6152 §2, RFC 3030 §3
enum class Ret { full, hdrs };                               // RFC 3461 §4.3

struct MailParams {
    std::optional<std::uint64_t> size;  // RFC 1870 §3
    std::optional<Body> body;
    bool smtputf8 = false;  // RFC 6531 §3.4
    std::optional<Ret> ret;
    std::optional<std::string> envid;  // RFC 3461 §4.4, xtext-decoded
    bool requiretls = false;           // RFC 8689 §4.1
    // RFC 4954 §5, xtext-decoded: "<>" or a mailbox. Trust it only from an authenticated client.
    std::optional<std::string> auth;
};

struct Mail {
    std::optional<Mailbox> from;  // empty for the null reverse-path "<>"
    MailParams params;
};

struct Notify {  // RFC 3461 §4.1: NEVER, or any of the other three
    bool never = false;
    bool success = false;
    bool failure = false;
    bool delay = false;
};

struct Orcpt {              // RFC 3461 §4.2
    std::string addr_type;  // as sent, e.g. "rfc822"; compare case-insensitively
    std::string address;    // xtext-decoded
};

struct RcptParams {
    std::optional<Notify> notify;
    std::optional<Orcpt> orcpt;
};

struct Rcpt {
    Mailbox to;  // domain_kind none for RCPT TO:<Postmaster>
    RcptParams params;
};

struct Data {};
struct Bdat {  // RFC 3030 §2
    std::uint64_t size = 0;
    bool last = false;
};
struct Rset {};
struct Noop {
    std::string argument;  // ignored by servers, kept for logs
};
struct Quit {};
struct Vrfy {
    std::string argument;
    bool smtputf8 = false;  // RFC 6531 §3.7.4.2: a trailing SMTPUTF8 parameter
};
struct Expn {
    std::string argument;
    bool smtputf8 = false;
};
struct Help {
    std::string argument;
};
struct StartTls {};
struct Auth {               // RFC 4954 §4
    std::string mechanism;  // upper case
    // Absent: none sent. Empty: "=" was sent (an empty response). Otherwise still base64.
    std::optional<std::string> initial_response;
};

using Command =
    std::variant<Hello, Mail, Rcpt, Data, Bdat, Rset, Noop, Quit, Vrfy, Expn, Help, StartTls, Auth>;

// The reply the server should send for a line it could not accept.
struct ParseError {
    int code = 500;
    std::string enhanced;
    std::string text;
    // For BDAT: the chunk that follows cannot be delimited, so the session should reply and
    // close the connection rather than read the chunk data as commands.
    bool close_connection = false;
};

using ParseResult = std::variant<Command, ParseError>;

// line: one command line without its CRLF.
ParseResult parse_command(std::string_view line, const CommandLimits& limits = {});

Reply to_reply(const ParseError& error);

}  // namespace sealbox::smtp

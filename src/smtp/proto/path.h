#pragma once
// Reverse-path and forward-path of MAIL and RCPT (RFC 5321 §4.1.2, UTF-8 per RFC 6531 §3.3).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/address.h"

namespace sealbox::smtp {

enum class DomainKind {
    name,     // a domain name, lower case (core normalize_domain)
    ipv4,     // "[192.0.2.1]"
    ipv6,     // "[IPv6:2001:db8::1]", hex in lower case
    general,  // "[tag:content]", RFC 5321 §4.1.3 General-address-literal
    none,     // only for RCPT TO:<Postmaster> (RFC 5321 §4.1.1.3), domain is empty
};

struct Mailbox {
    std::string local_part;  // decoded: quotes and backslash escapes removed
    bool quoted = false;     // the client wrote the local part as a Quoted-string
    std::string domain;      // see DomainKind; address literals keep their brackets
    DomainKind domain_kind = DomainKind::name;
    bool has_utf8 = false;  // non-ASCII octets: legal only with SMTPUTF8 (RFC 6531 §3.4)

    // The mailbox in SMTP syntax, quoting the local part only where a Dot-string cannot hold it.
    std::string str() const;

    // For lookups in the directory: a domain name and a local part that core accepts.
    std::optional<MailAddress> to_mail_address() const;
};

enum class PathError {
    syntax,
    local_part_too_long,  // RFC 5321 §4.5.3.1.1: 64 octets
    domain_too_long,      // RFC 5321 §4.5.3.1.2: 255 octets
    path_too_long,        // RFC 5321 §4.5.3.1.3: 256 octets including "<" and ">"
};

enum class PathRole {
    reverse,  // MAIL FROM: "<>" is the null sender
    forward,  // RCPT TO: "<Postmaster>" without a domain is allowed
};

struct ParsedPath {
    std::optional<Mailbox> mailbox;  // empty only for the null reverse-path "<>"
    std::size_t length = 0;          // octets of input the path took, from "<" to ">"
};

// Parses the path at the start of input and stops after its ">"; the caller parses the rest.
// A source route ("<@a,@b:user@host>") is checked for syntax and dropped (RFC 5321 §4.1.2,
// Appendix C).
std::variant<ParsedPath, PathError> parse_path(std::string_view input, PathRole role);

// A bare "local@domain" with nothing around it, e.g. the decoded MAIL AUTH= value.
std::optional<Mailbox> parse_mailbox(std::string_view text);

// Whether text is an RFC 5321 Domain (ASCII or U-labels), or an address literal.
bool is_valid_domain(std::string_view text);
bool is_valid_address_literal(std::string_view text);

}  // namespace sealbox::smtp

#pragma once
// Mail addresses as Sealbox stores and looks them up (RFC 5321 §4.1.2, RFC 6531 for UTF-8).

#include <optional>
#include <string>
#include <string_view>

namespace sealbox {

struct MailAddress {
    std::string local_part;  // as written; lookups use the lower-case form
    std::string domain;      // lower case, no trailing dot

    std::string str() const { return local_part + "@" + domain; }
};

// A lower-case domain name with valid labels (ASCII LDH or UTF-8), or nullopt.
std::optional<std::string> normalize_domain(std::string_view domain);

// Parses "local@domain" (no angle brackets, no comments); local parts are dot-atoms or
// UTF-8 per RFC 6531; quoted local parts are refused (nobody creates mailboxes with them).
std::optional<MailAddress> parse_address(std::string_view text);

// The lookup key for an address: lower-case local part and domain.
std::string address_key(const MailAddress& address);

}  // namespace sealbox

#pragma once
// Small grammar pieces the DKIM-Signature field and the key record share (RFC 6376 §3.5,
// §3.6.1, §2.11). Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mailauth::dkim {

// RFC 6376 §3.5 d=: sub-domain *("." sub-domain), sub-domain as RFC 5321 §4.1.2 (letters,
// digits and inner hyphens; A-labels for international names).
bool is_domain_name(std::string_view text);
// s= (§3.1): the same grammar; "_" is accepted too, since selectors are DNS labels and some
// signers use it.
bool is_selector(std::string_view text);
// `name` is `domain` or one of its subdomains, without case.
bool is_same_or_subdomain(std::string_view name, std::string_view domain);

// base64string (§2.4): the value with its FWS removed, then strict base64 (RFC 4648 §4).
std::optional<std::string> decode_base64_value(std::string_view value);
// 1*max_digits DIGIT; a value too large for 64 bits comes back as the largest.
std::optional<std::uint64_t> parse_decimal(std::string_view text, std::size_t max_digits);
// Colon-separated lists (h=, q=, key h= and s=): items with the FWS around them removed.
std::vector<std::string_view> split_colon_list(std::string_view value);

}  // namespace sealbox::mailauth::dkim

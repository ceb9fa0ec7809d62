#pragma once
// SPF macros (RFC 7208 §7): checking and expanding macro-strings. Pure: the "p" macro's
// validated domain name is looked up by the caller, and only when uses_validated_name() says
// the text needs it (§7.3 asks that "p" be avoided because of its cost).

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sealbox::mailauth::spf {

// Where a macro-string appears decides what it may hold (§7.1, §12).
enum class MacroUse {
    domain_spec,  // mechanisms, redirect=, exp=: letters s l o d i p h v
    modifier,     // value of an unknown modifier: any macro letter
    explanation,  // the TXT text exp= names: also c r t, and spaces
};

struct MacroContext {
    std::string sender;           // s: <sender>, "local-part@domain"
    std::string local_part;       // l
    std::string sender_domain;    // o
    std::string domain;           // d: the current <domain>
    boost::asio::ip::address ip;  // i, c, v: an IPv4-mapped address must be given as IPv4
    std::string helo;             // h
    std::string validated_name = "unknown";  // p
    std::string receiver = "unknown";        // r
    std::int64_t timestamp = 0;              // t: seconds since the epoch
};

// Whether `text` is a macro-string (explain-string for MacroUse::explanation).
bool is_macro_string(std::string_view text, MacroUse use);

// §12 domain-spec: a macro-string ending in a macro-expand or in "." toplabel ["."].
bool is_domain_spec(std::string_view text);

// Whether expanding `text` needs the "p" macro.
bool uses_validated_name(std::string_view text);

// The expansion of `text` (§7.3, §7.4), or nullopt when it is not a macro-string for `use`.
std::optional<std::string> expand(std::string_view text, const MacroContext& context, MacroUse use);

}  // namespace sealbox::mailauth::spf

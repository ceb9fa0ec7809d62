#pragma once
// SPF records (RFC 7208 §4.5, §5, §6, §12): picking the SPF record among a name's TXT records and
// parsing it into mechanisms and modifiers. Pure: no DNS, and macro-strings stay unexpanded
// (macro.h expands them while check_host() evaluates the record).

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mailauth::spf {

// RFC 7208 §4.6.2: what a matching mechanism yields.
enum class Qualifier { pass, fail, softfail, neutral };

enum class MechanismKind { all, include, a, mx, ptr, ip4, ip6, exists };

struct Mechanism {
    Qualifier qualifier = Qualifier::pass;
    MechanismKind kind = MechanismKind::all;
    // The domain-spec as written, macros unexpanded; empty for "a", "mx" and "ptr" without one,
    // which then mean the current <domain> (§5.3, §5.4, §5.5).
    std::string domain_spec;
    boost::asio::ip::address network;  // ip4, ip6
    int ip4_prefix = 32;               // ip4-cidr-length: ip4, a, mx
    int ip6_prefix = 128;              // ip6-cidr-length: ip6, a, mx
};

struct Record {
    std::vector<Mechanism> mechanisms;       // in evaluation order
    std::optional<std::string> redirect;     // domain-spec of redirect= (§6.1)
    std::optional<std::string> explanation;  // domain-spec of exp= (§6.2)
};

struct ParsedRecord {
    std::optional<Record> record;  // empty when the text is not a valid record
    std::string error;             // why not, for Received-SPF comments and logs
};

// RFC 7208 §4.5: a TXT record is an SPF record when it starts with "v=spf1" (ABNF: any case)
// followed by a space or the end.
bool is_spf_record(std::string_view text);

// The record's terms (§4.6.1, §12). Any syntax error anywhere, a non-ASCII byte, or redirect=
// or exp= given twice (§6) makes the whole record invalid: check_host() answers "permerror".
// Unknown modifiers are checked for syntax and otherwise ignored (§6).
ParsedRecord parse_record(std::string_view text);

}  // namespace sealbox::mailauth::spf

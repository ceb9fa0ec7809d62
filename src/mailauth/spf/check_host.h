#pragma once
// SPF evaluation (RFC 7208 §4): check_host() over mailauth::DnsLookup, with the limits of §4.6.4
// (10 DNS-querying terms across include and redirect, 10 MX and 10 PTR names per mechanism,
// 2 void lookups), include (§5.2), redirect (§6.1) and the explanation (§6.2), and the two
// identities a receiver checks: HELO (§2.3) and MAIL FROM (§2.4).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailauth/dns_lookup.h"

namespace sealbox::mailauth::spf {

// RFC 7208 §2.6.
enum class Result { none, neutral, pass, fail, softfail, temperror, permerror };

std::string_view to_string(Result result);

struct Options {
    // The "r" macro (§7.1): the receiving host's domain name.
    std::string receiver = "unknown";
    // The explanation when the record has no usable exp= (§6.2); a macro-string of explanation
    // text (§7.1), expanded like one.
    std::string default_explanation = "%{c} is not one of %{d}'s designated mail servers";
    // The "t" macro; the current time when unset.
    std::optional<std::int64_t> timestamp;
};

struct Outcome {
    Result result = Result::none;
    // Only for fail (§6.2): the explanation to return in the SMTP rejection, macros expanded.
    std::string explanation;
    // Why, for Received-SPF / Authentication-Results comments and logs: the matching mechanism,
    // or the error. Never message content.
    std::string detail;
};

// The check_host() function (§4): `ip` is the SMTP client (an IPv4-mapped IPv6 address counts as
// IPv4, §5), `domain` the domain whose policy is checked, `sender` the identity as
// "local-part@domain" (§4.1), `helo` the HELO/EHLO domain for the "h" macro.
boost::asio::awaitable<Outcome> check_host(DnsLookup& dns, boost::asio::ip::address ip,
                                           std::string domain, std::string sender, std::string helo,
                                           Options options = {});

// §2.4: the MAIL FROM identity; an empty reverse-path is checked as "postmaster@<helo>".
// A sender without a local-part is checked with "postmaster" (§4.3).
boost::asio::awaitable<Outcome> check_mail_from(DnsLookup& dns, boost::asio::ip::address ip,
                                                std::string mail_from, std::string helo,
                                                Options options = {});

// §2.3: the HELO identity, checked with <sender> "postmaster@<helo>".
boost::asio::awaitable<Outcome> check_helo(DnsLookup& dns, boost::asio::ip::address ip,
                                           std::string helo, Options options = {});

}  // namespace sealbox::mailauth::spf

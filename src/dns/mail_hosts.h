#pragma once
// Where mail for a domain goes (RFC 5321 §5.1): its MX hosts in the order to try them, each with
// its addresses, or why there is nowhere to go and whether that is worth trying again.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <cstddef>
#include <string>
#include <vector>

#include "dns/resolver.h"

namespace sealbox::dns {

enum class MailHostsResult {
    ok,
    no_such_domain,  // permanent: the domain does not exist, or is not a domain name
    null_mx,         // permanent: the domain accepts no mail (RFC 7505)
    no_mail_hosts,   // permanent: no MX host (or the domain itself, without MX) has an address
    temporary,       // DNS failed, timed out or did not validate: try again later
};

struct MailHost {
    std::string name;  // the MX exchange, the domain itself (implicit MX), or "[192.0.2.1]"
    std::vector<boost::asio::ip::address> addresses;  // IPv6 first, then IPv4
    // The MX answer, or the validated proof that there is none, was DNSSEC-validated: together
    // with addresses_secure, the precondition of DANE (RFC 7672 §2.2).
    bool mx_secure = false;
    bool addresses_secure = false;  // both the AAAA and the A answers were validated
};

struct MailHosts {
    MailHostsResult result = MailHostsResult::temporary;
    std::string detail;           // why, for logs and DSNs; on ok, the hosts left out and why
    std::vector<MailHost> hosts;  // by preference, equal preferences in random order
};

// At most this many MX hosts are looked up and returned, the most preferred ones: each costs
// two queries, and a domain cannot make one message cost unbounded DNS work.
inline constexpr std::size_t kMaxMailHosts = 10;

// `domain` is a domain name, in A-labels or U-labels (converted with IDNA2008), with or without
// the final dot, or an address
// literal, "[192.0.2.1]" or "[IPv6:2001:db8::1]" (RFC 5321 §4.1.3), which is its one host.
// The resolver must outlive the call.
boost::asio::awaitable<MailHosts> find_mail_hosts(Resolver& resolver, std::string domain);

}  // namespace sealbox::dns

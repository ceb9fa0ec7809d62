#pragma once
// Where a report goes: for DMARC the record's rua mailto: URIs that pass the external
// destination check (RFC 7489 §7.1), for TLS-RPT the rua of the policy domain's _smtp._tls
// record (RFC 8460 §3). Asked through mailauth::DnsLookup.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"
#include "mailauth/dmarc/public_suffix.h"
#include "mailauth/dmarc/report.h"
#include "mailauth/dns_lookup.h"

namespace sealbox::reports {

struct MailDestination {
    MailAddress address;
    std::optional<std::uint64_t> max_size;  // RFC 7489 §6.2 "!size", in octets
};

struct DmarcDestinations {
    std::vector<MailDestination> mail;
    // A look-up failed for now (a DNS timeout): trying again later may find more.
    bool temporary_failure = false;
};

// RFC 7489 §7.1: a mailto: rua whose domain has another organizational domain than the policy
// domain is used only when "<policy-domain>._report._dmarc.<rua-domain>" has a TXT record
// starting "v=DMARC1" (a rua= in that record, which could redirect reports, is not followed).
// Other URI schemes are not used (§6.2 makes only mailto: mandatory).
boost::asio::awaitable<DmarcDestinations> dmarc_destinations(
    mailauth::DnsLookup& dns, const mailauth::dmarc::PublicSuffixList& suffixes,
    mailauth::dmarc::PublishedPolicy policy);

struct TlsDestinations {
    std::vector<MailAddress> mail;   // RFC 8460 §5.3
    std::vector<std::string> https;  // RFC 8460 §5.4: the URLs to POST to
    bool temporary_failure = false;
};

// RFC 8460 §3: the rua of the one valid TLSRPTv1 record at _smtp._tls.<domain>.
boost::asio::awaitable<TlsDestinations> tls_destinations(mailauth::DnsLookup& dns,
                                                         std::string domain);

}  // namespace sealbox::reports

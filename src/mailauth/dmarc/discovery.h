#pragma once
// DMARC policy discovery (RFC 7489 §6.6.3): the record at _dmarc.<From domain>, else at
// _dmarc.<organizational domain>.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "mailauth/dmarc/public_suffix.h"
#include "mailauth/dmarc/record.h"
#include "mailauth/dns_lookup.h"

namespace sealbox::mailauth::dmarc {

struct PolicyLookup {
    enum class Status {
        found,      // `record` holds the one DMARC record
        none,       // no record, several (§6.6.3 step 5), or one without a policy (step 6.2)
        temperror,  // DNS failed for now (or DNSSEC said bogus): ask again later
        permerror,  // one record claims v=DMARC1 but does not parse, or no From domain
    };
    Status status = Status::none;
    std::optional<Record> record;
    std::string from_domain;            // lower-case A-labels
    std::string organizational_domain;  // of the From domain (§3.2)
    std::string policy_domain;          // where the record was found
    // RFC 9091 §2.7: the From domain answers NXDOMAIN or NODATA for A, AAAA and MX. Only
    // looked up when it matters: the record is the organizational domain's and has np.
    bool from_domain_nonexistent = false;
    std::string detail;  // why, for anything but found: for logs
};

boost::asio::awaitable<PolicyLookup> discover_policy(DnsLookup& dns,
                                                     const PublicSuffixList& suffixes,
                                                     std::string from_domain);

}  // namespace sealbox::mailauth::dmarc

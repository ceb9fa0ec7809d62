#pragma once
// `sealbox dns check DOMAIN`: each expected record looked up as DNS serves it now.

#include <boost/asio/awaitable.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dns_lookup.h"
#include "mailauth/dns_records/expected_records.h"

namespace sealbox::mailauth::dns_records {

enum class CheckStatus {
    ok,         // DNS serves the record
    missing,    // nothing of the kind at that name
    different,  // a record of the kind, not the expected one
    failed,     // the lookup failed (timeout, SERVFAIL, DNSSEC bogus): ask again
};

std::string_view to_string(CheckStatus status);

struct RecordCheck {
    ExpectedRecord expected;
    CheckStatus status = CheckStatus::missing;
    std::vector<std::string> served;  // what DNS serves instead, for `different`; why, for `failed`
};

// One look-up per record, in order. TXT records count when they are of the same kind as the
// expected one (the same "v=" tag), so that other TXT records at the domain are left alone,
// and compare with spaces ignored; an MX counts by its exchange; an SRV by its target and port; a
// CNAME by the addresses its name and its target resolve to.
boost::asio::awaitable<std::vector<RecordCheck>> check_records(
    DnsLookup& dns, std::vector<ExpectedRecord> expected);

// Whether the checks call for action: any record missing or different, or a look-up that failed.
bool needs_attention(const std::vector<RecordCheck>& checks);

}  // namespace sealbox::mailauth::dns_records

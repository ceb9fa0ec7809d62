#pragma once
// The TLS-RPT aggregate report (RFC 8460 §4): the JSON document of one policy domain's day,
// built from the TLS outcomes recorded for it, and the attachment's file name (§5.3). Pure.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::reports {

// Connections alike, counted: what the report store keeps per policy domain and day.
struct TlsResultRow {
    std::string policy_type;                  // §4.4 "tlsa", "sts", "no-policy-found"
    std::vector<std::string> policy_strings;  // §4.4 the TLSA records, or the policy's lines
    std::string mx_host;                      // receiving-mx-hostname
    std::string receiving_ip;                 // empty when no connection was made
    std::string result_type;                  // "success", or a §4.3 result-type
    std::string detail;                       // failure-reason-code
    std::uint64_t count = 0;

    bool operator==(const TlsResultRow&) const = default;
};

struct TlsReportMetadata {
    std::string organization_name;
    std::string contact_info;
    std::string report_id;
    std::int64_t begin = 0;  // unix seconds, UTC: the first second of the day
    std::int64_t end = 0;    // the last second
};

// §4.4: one entry of "policies" per distinct policy (type and strings), each with its summary
// and failure-details.
std::string tls_report_json(const TlsReportMetadata& metadata, std::string_view policy_domain,
                            const std::vector<TlsResultRow>& rows);

// §5.3: sender "!" policy-domain "!" begin-timestamp "!" end-timestamp ".json.gz".
std::string tls_report_filename(std::string_view submitter, std::string_view policy_domain,
                                const TlsReportMetadata& metadata);

// RFC 3339 §5.6 date-time in UTC: "2016-04-01T00:00:00Z" (§4.4 date-range).
std::string rfc3339_utc(std::int64_t time);

}  // namespace sealbox::reports

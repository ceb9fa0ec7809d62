#pragma once
// The messages that carry aggregate reports: DMARC (RFC 7489 §7.2.1.1) and TLS-RPT (RFC 8460
// §5.3), each a short text part and the gzipped report as an attachment. Pure; the caller signs
// them with DKIM and queues them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace sealbox::reports {

struct ReportEmail {
    std::string from;             // addr-spec: reports.from
    std::vector<std::string> to;  // the rua addresses
    std::string submitter;        // our host name (Submitter:, TLS-Report-Submitter)
    std::string policy_domain;    // Report Domain:, TLS-Report-Domain
    std::string report_id;        // as in the report; Report-ID: <report_id@submitter>
    std::string org_name;         // for the text part
    std::int64_t begin = 0;       // the period, for the text part
    std::int64_t now = 0;         // Date:
    std::string attachment;       // the gzipped report
    std::string filename;         // its file name
};

// RFC 7489 §7.2.1.1: multipart/mixed with the report as application/gzip.
std::string dmarc_report_email(const ReportEmail& email);

// RFC 8460 §5.3: multipart/report; report-type="tlsrpt" with the report as
// application/tlsrpt+gzip, and the TLS-Report-Domain and TLS-Report-Submitter fields.
std::string tls_report_email(const ReportEmail& email);

// The address of a mailto: URI (RFC 6068 §2) as rua gives it: "mailto:dmarc@example.com";
// percent-escapes decoded, "?" header fields ignored. nullopt for another scheme, several
// addresses, or no valid address.
std::optional<MailAddress> mailto_address(std::string_view uri);

}  // namespace sealbox::reports

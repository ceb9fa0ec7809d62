#pragma once
// DMARC aggregate reports (RFC 7489 §7.2): the XML of Appendix C from what was recorded for one
// policy domain over one period, gzipped, and the file name of §7.2.1.1. Pure: recording the
// messages and sending the report are the caller's.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dmarc/evaluate.h"

namespace sealbox::mailauth::dmarc {

// report_metadata: who reports, and the period (seconds since the Unix epoch, UTC).
struct ReportMetadata {
    std::string org_name;
    std::string email;
    std::string report_id;
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

// policy_published: the record as it was found for `domain`.
struct PublishedPolicy {
    std::string domain;
    Record record;
};

// RFC 7489 Appendix C PolicyOverrideType, of those Sealbox applies: why the disposition is not
// what the policy asked for. The report store keeps the numbers.
enum class PolicyOverride {
    none = 0,
    sampled_out = 1,   // §6.6.4 pct left the message out
    local_policy = 2,  // a trusted ARC sealer saw DMARC pass (RFC 8617 §7.2.1)
};

// One row: `count` messages from one source address that were evaluated alike.
struct ReportRow {
    std::string source_ip;  // textual IPv4 or IPv6
    std::uint64_t count = 1;
    Policy disposition = Policy::none;  // what was applied
    bool dkim_aligned_pass = false;     // policy_evaluated/dkim
    bool spf_aligned_pass = false;      // policy_evaluated/spf
    PolicyOverride override_reason = PolicyOverride::none;
    std::string override_comment;  // local_policy: RFC 8617 §7.2.2 "arc=pass as[1].d=..."
    std::string envelope_from;     // the RFC5321.MailFrom domain, may be empty
    std::string header_from;       // the RFC5322.From domain
    std::vector<DkimInput> dkim;   // auth_results/dkim, one per signature
    SpfInput spf;                  // auth_results/spf
    bool spf_scope_helo = false;   // SPF checked the HELO identity, not MAIL FROM
};

// The <feedback> document, UTF-8, text escaped for XML (characters XML 1.0 cannot carry and
// malformed UTF-8 are replaced).
std::string aggregate_report_xml(const ReportMetadata& metadata, const PublishedPolicy& policy,
                                 const std::vector<ReportRow>& rows);

// RFC 1952 gzip of `data`, as §7.2.1.1 asks for the report ("application/gzip").
std::string gzip(std::string_view data);

// §7.2.1.1: receiver "!" policy-domain "!" begin-timestamp "!" end-timestamp ".xml.gz".
std::string aggregate_report_filename(std::string_view receiver, const ReportMetadata& metadata,
                                      std::string_view policy_domain);

}  // namespace sealbox::mailauth::dmarc

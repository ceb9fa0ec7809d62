#pragma once
// The DNS records a domain Sealbox hosts should publish, for `sealbox dns DOMAIN`: where its
// mail goes (MX), who may send it (SPF), its DKIM keys, its DMARC policy, its MTA-STS and
// TLS-RPT records, and the SRV records mail clients configure themselves from. Pure: built from
// the configuration and the DKIM records, written in zone-file form.

#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace sealbox::mailauth::dns_records {

enum class RecordType { mx, txt, cname, srv };

std::string_view to_string(RecordType type);

struct ExpectedRecord {
    std::string name;  // owner name, without the final dot: "_dmarc.example.org"
    RecordType type = RecordType::txt;
    std::string text;     // TXT: the record's text, its character-strings concatenated
    std::string target;   // MX exchange, CNAME target, SRV target: a host name, or "." (SRV)
    int priority = 0;     // MX preference, SRV priority
    int weight = 0;       // SRV
    int port = 0;         // SRV
    std::string comment;  // why it is there, printed above it
};

// A published DKIM key: the TXT record at <selector>._domainkey.<domain>.
struct DkimRecord {
    std::string selector;
    std::string text;  // "v=DKIM1; k=rsa; p=..."
};

// Every record `domain` should publish under `config`, in the order a zone file lists them.
std::vector<ExpectedRecord> expected_records(const Config& config, std::string_view domain,
                                             const std::vector<DkimRecord>& dkim);

// RFC 8461 §3.1 id of the _mta-sts record: a digest of the policy settings, so that it changes
// whenever the served policy does (senders then fetch the new one).
std::string mta_sts_id(const Config& config);

// One zone-file line: "<name>. 3600 IN <type> <data>", host names with the final dot, TXT text
// quoted and cut into character-strings of at most 255 octets (RFC 1035 §3.3.14,
// RFC 6376 §3.6.2.2 for long DKIM keys).
std::string zone_line(const ExpectedRecord& record);

// The record's data as it would appear in that line ("10 mail.example.org.", the quoted text).
std::string zone_data(const ExpectedRecord& record);

}  // namespace sealbox::mailauth::dns_records

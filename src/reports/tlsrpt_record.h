#pragma once
// The TLS-RPT policy record (RFC 8460 §3), published as TXT at _smtp._tls.<domain>: where the
// domain wants its daily TLS reports. Pure, and fed straight from DNS: fuzzed
// (fuzz/tlsrpt_record_fuzz.cpp).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::reports {

struct TlsRptRecord {
    // rua, in the order written: "mailto:tlsrpt@example.com" (§5.3) or "https://..." (§5.4);
    // other schemes are kept and ignored by the sender.
    std::vector<std::string> rua;
};

// nullopt unless `text` follows the §3 grammar: "v=TLSRPTv1" first, exactly one rua field with
// at least one URI, extensions (name=value) allowed, fields separated by ";".
std::optional<TlsRptRecord> parse_tlsrpt_record(std::string_view text);

// §3: of the TXT records found, those not starting with "v=TLSRPTv1;" are discarded; unless
// exactly one remains, and it is valid, the domain does not implement TLS-RPT.
std::optional<TlsRptRecord> select_tlsrpt_record(const std::vector<std::string>& texts);

}  // namespace sealbox::reports

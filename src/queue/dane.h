#pragma once
// DANE for outbound SMTP (RFC 7672 §2.2): from the DNS answers about one MX host to the TLS
// its connection needs. Pure: the delivery agent does the lookups, OpenSSL the matching
// (net::DaneRequirement).

#include <string>
#include <string_view>
#include <vector>

#include "dns/mail_hosts.h"
#include "dns/records.h"

namespace sealbox::queue {

enum class HostTls {
    opportunistic,  // no DANE for this host: STARTTLS when offered (RFC 7435), as before
    mandatory,      // validated TLSA records, none usable: TLS, but unauthenticated (§2.2)
    dane,           // usable validated TLSA records: the certificate must match one (§3)
    unusable,       // the TLSA lookup failed or did not validate: no delivery there now (§2.2)
};

struct HostTlsDecision {
    HostTls tls = HostTls::opportunistic;
    std::vector<dns::TlsaRecord> records;  // the usable ones, under HostTls::dane
    std::string detail;                    // why, for logs and deferral reasons
};

// RFC 7672 §2.2.1, §2.2.2: DANE applies to a host only when its MX answer (or the validated
// proof that the domain has none) and its address answers were DNSSEC-validated; otherwise a
// TLSA record could be an attacker's, and its absence proves nothing.
bool dane_applies(const dns::MailHost& host);

// RFC 7672 §3.1.3: DANE-TA(2) or DANE-EE(3) (PKIX-TA and PKIX-EE are unusable for SMTP), with
// a selector (0, 1) and matching type (0, 1, 2) RFC 6698 §2.1 defines, and a digest of the
// length its matching type has.
bool usable_tlsa(const dns::TlsaRecord& record);

// RFC 7672 §2.2.3 (RFC 6698 §3): "_25._tcp.mx.example.org".
std::string tlsa_name(int port, std::string_view host);

// The TLSA answer for a host DANE applies to, as the connection's TLS requirement.
HostTlsDecision decide_host_tls(const dns::TlsaAnswer& answer, std::string_view host);

}  // namespace sealbox::queue

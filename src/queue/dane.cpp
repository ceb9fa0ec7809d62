#include "queue/dane.h"

#include <fmt/format.h>

#include <algorithm>

namespace sealbox::queue {

bool dane_applies(const dns::MailHost& host) {
    return host.mx_secure && host.addresses_secure;
}

bool usable_tlsa(const dns::TlsaRecord& record) {
    if (record.usage != 2 && record.usage != 3) {
        return false;
    }
    if (record.selector > 1) {
        return false;
    }
    switch (record.matching_type) {
        case 0:
            return !record.data.empty();
        case 1:
            return record.data.size() == 32;  // SHA2-256
        case 2:
            return record.data.size() == 64;  // SHA2-512
        default:
            return false;
    }
}

std::string tlsa_name(int port, std::string_view host) {
    return fmt::format("_{}._tcp.{}", port, host);
}

HostTlsDecision decide_host_tls(const dns::TlsaAnswer& answer, std::string_view host) {
    HostTlsDecision d;
    switch (answer.status) {
        case dns::Status::ok:
            if (!answer.secure) {
                // §2.2: records DNSSEC does not vouch for are ignored, like none at all.
                d.detail = fmt::format("TLSA of {} not validated", host);
                return d;
            }
            std::copy_if(answer.records.begin(), answer.records.end(),
                         std::back_inserter(d.records), usable_tlsa);
            if (d.records.empty()) {
                // §2.2: the domain asked for TLS, in terms we cannot check; TLS it gets.
                d.tls = HostTls::mandatory;
                d.detail = fmt::format("TLSA of {}: no usable record", host);
            } else {
                d.tls = HostTls::dane;
                d.detail = fmt::format("TLSA of {}: {} usable record(s)", host, d.records.size());
            }
            return d;
        case dns::Status::nxdomain:
        case dns::Status::nodata:
            d.detail = fmt::format("no TLSA for {}", host);
            return d;
        case dns::Status::temporary:
        case dns::Status::bogus:
            // §2.2: the records may well exist; neither plain text nor an unchecked certificate
            // is safe until the lookup works.
            d.tls = HostTls::unusable;
            d.detail = fmt::format("TLSA of {}: {}: {}", host, dns::to_string(answer.status),
                                   answer.detail);
            return d;
    }
    return d;
}

}  // namespace sealbox::queue

#include "queue/tls_outcome.h"

namespace sealbox::queue {

std::string_view to_string(TlsOutcome::Policy policy) {
    switch (policy) {
        case TlsOutcome::Policy::dane:
            return "tlsa";
        case TlsOutcome::Policy::sts:
            return "sts";
        case TlsOutcome::Policy::none:
            break;
    }
    return "no-policy-found";
}

std::string_view to_string(TlsOutcome::Result result) {
    using R = TlsOutcome::Result;
    switch (result) {
        case R::success:
            return "success";
        case R::starttls_not_supported:
            return "starttls-not-supported";
        case R::certificate_host_mismatch:
            return "certificate-host-mismatch";
        case R::certificate_expired:
            return "certificate-expired";
        case R::certificate_not_trusted:
            return "certificate-not-trusted";
        case R::validation_failure:
            return "validation-failure";
        case R::tlsa_invalid:
            return "tlsa-invalid";
        case R::dnssec_invalid:
            return "dnssec-invalid";
        case R::sts_policy_fetch_error:
            return "sts-policy-fetch-error";
        case R::sts_policy_invalid:
            return "sts-policy-invalid";
        case R::sts_webpki_invalid:
            return "sts-webpki-invalid";
    }
    return "validation-failure";
}

}  // namespace sealbox::queue

#pragma once
// What became of TLS on each outbound connection attempt, per destination domain, in the terms
// of TLS-RPT (RFC 8460 §4.3, §4.4) so that a daily report can be built from them later. The
// delivery agent logs each one ("tls outcome ...") and hands it to AgentOptions::tls_outcomes.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::queue {

struct TlsOutcome {
    // RFC 8460 §4.4 policy-type: "tlsa", "sts" or "no-policy-found".
    enum class Policy { none, dane, sts };
    // RFC 8460 §4.3 result-type for failures; success when the session was secured as the
    // policy asked (or, without a policy, whether TLS was used at all is in `tls`).
    enum class Result {
        success,
        starttls_not_supported,
        certificate_host_mismatch,
        certificate_expired,
        certificate_not_trusted,
        validation_failure,
        tlsa_invalid,
        dnssec_invalid,
        sts_policy_fetch_error,
        sts_policy_invalid,
        sts_webpki_invalid,
    };

    std::string domain{};   // the policy domain: the recipients' domain
    std::string mx_host{};  // RFC 8460 receiving-mx-hostname
    // RFC 8460 §4.4 policy-string: the host's TLSA records in presentation form, or the lines
    // of the domain's MTA-STS policy.
    std::vector<std::string> policy_strings{};
    std::string address{};  // RFC 8460 receiving-ip; empty when no connection was tried
    Policy policy = Policy::none;
    Result result = Result::success;
    bool tls = false;       // the session ran over TLS
    std::string detail{};   // RFC 8460 failure-reason-code / additional information
    std::int64_t time = 0;  // unix seconds
};

std::string_view to_string(TlsOutcome::Policy policy);
std::string_view to_string(TlsOutcome::Result result);

// Called on the delivery task's strand: must not block.
using TlsOutcomeSink = std::function<void(const TlsOutcome&)>;

}  // namespace sealbox::queue

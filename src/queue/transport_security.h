#pragma once
// The TLS one outbound connection needs (RFC 7672 DANE, else RFC 8461 MTA-STS, on top of the
// configured policy), and what its failures mean for TLS reporting.

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/mail_hosts.h"
#include "dns/resolver.h"
#include "mtasts/fetch.h"
#include "mtasts/policy.h"
#include "queue/tls_outcome.h"
#include "smtp/client/client_error.h"
#include "smtp/client/options.h"

namespace sealbox::queue {

struct HostSecurity {
    smtp::client::TlsPolicy tls = smtp::client::TlsPolicy::opportunistic;
    std::optional<net::DaneRequirement> dane;  // under TlsPolicy::dane
    TlsOutcome::Policy policy = TlsOutcome::Policy::none;
    // MTA-STS in testing mode (RFC 8461 §5): what enforcing would have refused is only noted.
    bool sts_testing = false;
    std::string sts_testing_failure;  // under sts_testing: why enforcing would refuse the host
    // Set when this host must not be used now (its TLSA lookup failed, or an enforced MTA-STS
    // policy does not list it): the reason, as the recipients' deferral ("4.7.5 ..."), and its
    // TLS-RPT result type.
    std::optional<std::string> refusal;
    TlsOutcome::Result refusal_result = TlsOutcome::Result::success;
};

// For `host` of a domain's MX list: `base` (opportunistic, or required by queue.require_tls)
// unless DANE applies (RFC 7672 §2.2), looked up when `dane` is on; else the domain's MTA-STS
// policy `sts`, when it has one (RFC 8461 §2: DANE takes precedence). Each host is its own
// decision (RFC 7672 §2.2.1): a host without DANE may follow one whose DANE check failed.
boost::asio::awaitable<HostSecurity> host_security(dns::Resolver& resolver,
                                                   const dns::MailHost& host, bool dane,
                                                   const mtasts::Policy* sts,
                                                   smtp::client::TlsPolicy base, int port);

// RFC 8461 §5: what an MTA-STS policy asks of a host that DANE does not cover.
HostSecurity sts_security(const mtasts::Policy& policy, const std::string& host,
                          smtp::client::TlsPolicy base);

// RFC 8460 §4.3: the result type of a failed MTA-STS policy fetch.
TlsOutcome::Result sts_fetch_result(mtasts::FetchProblem problem);

// RFC 8460 §4.3: the result type of a certificate that did not verify, by OpenSSL's reason.
TlsOutcome::Result certificate_result(std::string_view why);

// RFC 8460 §4.4 policy-string of a host's outcomes: its TLSA records under DANE, the lines of
// `sts` under MTA-STS, none without a policy.
std::vector<std::string> tlsrpt_policy_strings(const HostSecurity& security,
                                               const mtasts::Policy* sts);

// RFC 8460 §4.3: the result type of a failed connection; success when TLS was not the reason.
TlsOutcome::Result tls_result(const smtp::client::Failure& failure, TlsOutcome::Policy policy);

}  // namespace sealbox::queue

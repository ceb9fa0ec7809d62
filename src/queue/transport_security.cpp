#include "queue/transport_security.h"

#include <fmt/format.h>

#include "queue/dane.h"

namespace sealbox::queue {
namespace asio = boost::asio;
using smtp::client::TlsPolicy;

HostSecurity sts_security(const mtasts::Policy& policy, const std::string& host, TlsPolicy base) {
    HostSecurity s;
    s.tls = base;
    if (policy.mode == mtasts::Mode::none) {
        return s;
    }
    s.policy = TlsOutcome::Policy::sts;
    const bool listed = mtasts::mx_matches(policy, host);
    if (policy.mode == mtasts::Mode::testing) {
        s.sts_testing = true;
        if (!listed) {
            s.sts_testing_failure = "not an MX host the MTA-STS policy allows";
        }
        return s;
    }
    // §4.1 and §5: only listed hosts, and only over TLS with a certificate valid for the host.
    if (!listed) {
        s.refusal = "4.7.5 " + host + " is not an MX host the MTA-STS policy allows";
        s.refusal_result = TlsOutcome::Result::validation_failure;
        return s;
    }
    s.tls = TlsPolicy::required_verified;
    return s;
}

asio::awaitable<HostSecurity> host_security(dns::Resolver& resolver, const dns::MailHost& host,
                                            bool dane, const mtasts::Policy* sts, TlsPolicy base,
                                            int port) {
    HostSecurity s;
    s.tls = base;
    auto without_dane = [&] { return sts ? sts_security(*sts, host.name, base) : s; };
    if (!dane || !dane_applies(host)) {
        co_return without_dane();
    }
    auto answer = co_await resolver.tlsa(tlsa_name(port, host.name));
    HostTlsDecision d = decide_host_tls(answer, host.name);
    switch (d.tls) {
        case HostTls::opportunistic:
            co_return without_dane();
        case HostTls::mandatory:
            // §2.2: TLS without authentication; an MTA-STS policy may still ask for more.
            if (sts && sts->mode == mtasts::Mode::enforce) {
                co_return without_dane();
            }
            s.tls = TlsPolicy::required;
            s.policy = TlsOutcome::Policy::dane;
            break;
        case HostTls::dane: {
            s.tls = TlsPolicy::dane;
            s.policy = TlsOutcome::Policy::dane;
            // RFC 7672 §3.2.2: the TLSA base domain is the MX host name (libunbound follows
            // CNAMEs without saying so, so the expanded name is not known here).
            net::DaneRequirement requirement{host.name, {}};
            for (auto& r : d.records) {
                requirement.records.push_back(
                    net::DaneTlsa{r.usage, r.selector, r.matching_type, std::move(r.data)});
            }
            s.dane = std::move(requirement);
            break;
        }
        case HostTls::unusable:
            s.policy = TlsOutcome::Policy::dane;
            s.refusal = "4.7.5 " + d.detail;
            s.refusal_result = answer.status == dns::Status::bogus
                                   ? TlsOutcome::Result::dnssec_invalid
                                   : TlsOutcome::Result::tlsa_invalid;
            break;
    }
    co_return s;
}

TlsOutcome::Result sts_fetch_result(mtasts::FetchProblem problem) {
    switch (problem) {
        case mtasts::FetchProblem::none:
            return TlsOutcome::Result::success;
        case mtasts::FetchProblem::certificate:
            return TlsOutcome::Result::sts_webpki_invalid;
        case mtasts::FetchProblem::invalid:
            return TlsOutcome::Result::sts_policy_invalid;
        case mtasts::FetchProblem::unreachable:
            break;
    }
    return TlsOutcome::Result::sts_policy_fetch_error;
}

TlsOutcome::Result certificate_result(std::string_view why) {
    // OpenSSL's X509_verify_cert_error_string() texts.
    if (why.find("hostname mismatch") != std::string_view::npos) {
        return TlsOutcome::Result::certificate_host_mismatch;
    }
    if (why.find("expired") != std::string_view::npos) {
        return TlsOutcome::Result::certificate_expired;
    }
    return TlsOutcome::Result::certificate_not_trusted;
}

TlsOutcome::Result tls_result(const smtp::client::Failure& failure, TlsOutcome::Policy policy) {
    using R = TlsOutcome::Result;
    if (!failure.tls_failure) {
        return R::success;
    }
    if (failure.stage == smtp::client::Stage::starttls) {
        return R::starttls_not_supported;
    }
    if (policy == TlsOutcome::Policy::dane) {
        return R::validation_failure;  // no TLSA record matched, or the handshake failed
    }
    if (failure.detail.starts_with("certificate verification failed")) {
        return certificate_result(failure.detail);
    }
    return R::validation_failure;
}

std::vector<std::string> tlsrpt_policy_strings(const HostSecurity& security,
                                               const mtasts::Policy* sts) {
    std::vector<std::string> out;
    if (security.policy == TlsOutcome::Policy::dane && security.dane) {
        for (const auto& r : security.dane->records) {
            // RFC 6698 §2.2: usage, selector, matching type, the data in hexadecimal.
            std::string line = fmt::format("{} {} {} ", r.usage, r.selector, r.matching_type);
            for (std::uint8_t b : r.data) {
                line += fmt::format("{:02X}", b);
            }
            out.push_back(std::move(line));
        }
    } else if (security.policy == TlsOutcome::Policy::sts && sts) {
        const std::string policy = to_text(*sts);
        std::string_view text = policy;
        while (!text.empty()) {
            auto end = text.find("\r\n");
            out.emplace_back(text.substr(0, end));
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 2);
        }
    }
    return out;
}

}  // namespace sealbox::queue

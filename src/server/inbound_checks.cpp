#include "server/inbound_checks.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "core/address.h"
#include "mailauth/arc/chain.h"
#include "mailauth/arc/seal.h"
#include "mailauth/arc/trust.h"
#include "mailauth/arc/validate.h"
#include "mailauth/auth_results.h"
#include "mailauth/dkim/sign.h"
#include "mailauth/dkim/verify.h"
#include "mailauth/dmarc/evaluate.h"
#include "mailauth/spf/check_host.h"
#include "net/blocking.h"
#include "smtp/session/from_field.h"

namespace sealbox::server {
namespace asio = boost::asio;
using namespace mailauth;
using smtp::InboundVerdict;

namespace {

// RFC 8601 §2.7 names the results of each method alike; DMARC takes them as they are.
dmarc::AuthResult dmarc_input(spf::Result result) {
    switch (result) {
        case spf::Result::none:
            return dmarc::AuthResult::none;
        case spf::Result::neutral:
            return dmarc::AuthResult::neutral;
        case spf::Result::pass:
            return dmarc::AuthResult::pass;
        case spf::Result::fail:
            return dmarc::AuthResult::fail;
        case spf::Result::softfail:
            return dmarc::AuthResult::softfail;
        case spf::Result::temperror:
            return dmarc::AuthResult::temperror;
        case spf::Result::permerror:
            return dmarc::AuthResult::permerror;
    }
    return dmarc::AuthResult::none;
}

dmarc::AuthResult dmarc_input(dkim::Result result) {
    switch (result) {
        case dkim::Result::pass:
            return dmarc::AuthResult::pass;
        case dkim::Result::fail:
            return dmarc::AuthResult::fail;
        case dkim::Result::neutral:
            return dmarc::AuthResult::neutral;
        case dkim::Result::policy:
            return dmarc::AuthResult::policy;
        case dkim::Result::temperror:
            return dmarc::AuthResult::temperror;
        case dkim::Result::permerror:
            return dmarc::AuthResult::permerror;
    }
    return dmarc::AuthResult::none;
}

std::string domain_of(std::string_view address) {
    auto at = address.rfind('@');
    std::string_view domain = at == std::string_view::npos ? address : address.substr(at + 1);
    return normalize_domain(domain).value_or(std::string(domain));
}

// RFC 8601 §2.7.2: the identity SPF checked, smtp.mailfrom or smtp.helo.
MethodResult spf_method(const SpfCheck& spf, const smtp::InboundEnvelope& envelope) {
    MethodResult r{"spf", std::string(spf::to_string(spf.outcome.result)), "", {}};
    if (spf.helo_identity) {
        r.property("smtp", "helo", envelope.helo);
    } else {
        r.property("smtp", "mailfrom", envelope.mail_from);
    }
    return r;
}

// RFC 8601 §2.7.1 with header.d and header.i, RFC 6008 header.b, RFC 7410 header.a and header.s.
MethodResult dkim_method(const dkim::SignatureResult& s) {
    MethodResult r{"dkim", std::string(dkim::to_string(s.result)), "", {}};
    if (s.result != dkim::Result::pass) {
        r.reason = s.reason;
    }
    if (!s.domain.empty()) {
        r.property("header", "d", s.domain);
    }
    if (!s.identity.empty()) {
        r.property("header", "i", s.identity);
    }
    if (!s.selector.empty()) {
        r.property("header", "s", s.selector);
    }
    if (!s.algorithm.empty()) {
        r.property("header", "a", s.algorithm);
    }
    if (!s.b_prefix.empty()) {
        r.property("header", "b", s.b_prefix);
    }
    return r;
}

// Where the header section ends: after the CRLF of its last field (RFC 5322 §2.1).
std::size_t header_size(std::string_view message) {
    auto blank = message.find("\r\n\r\n");
    return blank == std::string_view::npos ? message.size() : blank + 2;
}

// RFC 8601 §5: fields claiming our authserv-id are forgeries (or stale copies of ours).
std::string without_own_results(std::string message, std::string_view authserv_id) {
    std::string_view header(message.data(), header_size(message));
    auto spans = find_own_authentication_results(header, authserv_id);
    if (spans.empty()) {
        return message;
    }
    return remove_fields(header, spans) + message.substr(header.size());
}

// RFC 7489 §6.6.1: the applied policy is the strictest among the failing From domains.
const dmarc::Verdict* strictest(const dmarc::MessageVerdict& message) {
    const dmarc::Verdict* found = nullptr;
    for (const auto& verdict : message.verdicts) {
        if (verdict.result == dmarc::Result::fail &&
            (!found || verdict.disposition > found->disposition)) {
            found = &verdict;
        }
    }
    return found;
}

// RFC 7208 §2.4: the MAIL FROM identity; an empty reverse-path is checked as postmaster@<HELO>.
asio::awaitable<SpfCheck> check_spf(DnsLookup& dns, const smtp::InboundEnvelope& envelope,
                                    asio::ip::address ip, const InboundCheckOptions& options) {
    SpfCheck spf;
    spf::Options spf_options;
    spf_options.receiver = options.hostname;
    spf.helo_identity = envelope.mail_from.empty();
    spf.domain = spf.helo_identity ? domain_of(envelope.helo) : domain_of(envelope.mail_from);
    spf.outcome =
        co_await spf::check_mail_from(dns, ip, envelope.mail_from, envelope.helo, spf_options);
    co_return spf;
}

// The hashing and signature checks run on the worker pool: a large message would otherwise hold
// an I/O thread for as long as SHA-256 takes over it.
dkim::KeyCheckRunner on_workers(asio::thread_pool& workers) {
    return [&workers](std::function<void()> step) {
        return net::run_blocking(workers, std::move(step));
    };
}

asio::awaitable<std::vector<dkim::SignatureResult>> check_dkim(DnsLookup& dns,
                                                               asio::thread_pool& workers,
                                                               const dkim::Message& parsed) {
    dkim::VerifyOptions options;
    options.now = std::time(nullptr);
    auto signatures = co_await dkim::verify(parsed, dns, options, on_workers(workers));
    co_return signatures;
}

// RFC 8617 §7.2.1, a local policy (RFC 7489 §6.7): DMARC fails, but a sealer we trust saw it
// pass before it changed the message (a list's subject tag or footer). Every failing From domain
// must be vouched for, or none is.
struct ArcOverride {
    std::string sealer;          // the newest trusted sealer that vouched, for the field and logs
    std::string report_comment;  // RFC 8617 §7.2.2, for the aggregate report
};

std::optional<ArcOverride> arc_override(const dmarc::MessageVerdict& dmarc_verdict,
                                        const dkim::Message& parsed,
                                        const arc::Validation& validation,
                                        const std::vector<std::string>& trusted_sealers) {
    const dmarc::Verdict* failed = strictest(dmarc_verdict);
    if (!failed || failed->disposition == dmarc::Policy::none || trusted_sealers.empty() ||
        validation.result != arc::ChainStatus::pass) {
        return std::nullopt;  // nothing to override
    }
    arc::Chain chain = arc::collect_chain(parsed);
    std::optional<ArcOverride> found;
    for (const auto& verdict : dmarc_verdict.verdicts) {
        if (verdict.result != dmarc::Result::fail) {
            continue;
        }
        auto pass =
            arc::trusted_dmarc_pass(chain, validation, trusted_sealers, verdict.from_domain);
        if (!pass) {
            return std::nullopt;
        }
        found = ArcOverride{pass->sealer, arc::report_comment(chain)};
    }
    return found;
}

// The receiver's policy (RFC 7489 §6.7): what the strictest failing From domain asks for, as far
// as the configuration lets it.
void apply_dmarc_policy(const dmarc::MessageVerdict& dmarc_verdict,
                        const InboundCheckOptions& options, InboundVerdict& verdict) {
    const dmarc::Verdict* failed = strictest(dmarc_verdict);
    if (!failed) {
        return;
    }
    if (failed->disposition == dmarc::Policy::reject && options.dmarc_reject) {
        verdict.action = InboundVerdict::Action::reject;
        verdict.reason = "Rejected by the DMARC policy of " + failed->policy_domain;
    } else if (failed->disposition != dmarc::Policy::none && options.dmarc_quarantine) {
        verdict.action = InboundVerdict::Action::junk;
    }
}

// RFC 8617 §5.1: the ARC Set a forwarder adds, signed with the RSA key of the alias's domain (the
// only algorithm §4.1.2 defines for ARC). Empty when that domain has no key.
std::string seal_forwarded(dkim_keys::KeyStore& keys, const std::string& domain,
                           const std::string& message, arc::ChainStatus cv,
                           const std::string& authserv_id, const std::string& results) {
    for (auto& active : keys.active_keys(domain)) {
        if (active.key.type() != dkim::KeyType::rsa) {
            continue;
        }
        auto parsed = dkim::parse_message(message);
        arc::SealOptions options;
        options.cv = cv;
        options.authserv_id = authserv_id;
        options.results = results;
        options.domain = domain;
        options.selector = active.selector;
        options.timestamp = std::time(nullptr);
        options.headers = dkim::headers_to_sign(parsed.headers);
        std::string fields;
        for (const auto& field : arc::seal(parsed, options, active.key)) {
            fields += field;
        }
        return fields;
    }
    return {};
}

dmarc::Policy applied_policy(InboundVerdict::Action action) {
    switch (action) {
        case InboundVerdict::Action::reject:
            return dmarc::Policy::reject;
        case InboundVerdict::Action::junk:
            return dmarc::Policy::quarantine;
        case InboundVerdict::Action::deliver:
            break;
    }
    return dmarc::Policy::none;
}

}  // namespace

InboundAuthentication::InboundAuthentication(mailauth::DnsLookup& dns,
                                             boost::asio::thread_pool& workers,
                                             const dmarc::PublicSuffixList& suffixes,
                                             InboundCheckOptions options,
                                             dkim_keys::KeyStore* dkim_keys,
                                             DmarcRecorder record_dmarc)
    : dns_(dns),
      workers_(workers),
      suffixes_(suffixes),
      options_(std::move(options)),
      dkim_keys_(dkim_keys),
      record_dmarc_(std::move(record_dmarc)) {}

asio::awaitable<InboundVerdict> InboundAuthentication::check(smtp::InboundEnvelope envelope,
                                                             std::string message) {
    std::vector<MethodResult> results;
    dmarc::AuthenticatedIdentifiers identifiers;
    boost::system::error_code ec;
    auto ip = asio::ip::make_address(envelope.client_ip, ec);
    SpfCheck spf;
    if (options_.spf && !ec) {
        spf = co_await check_spf(dns_, envelope, ip, options_);
        results.push_back(spf_method(spf, envelope));
        // RFC 7489 §3.1.2: the MAIL FROM domain, or the HELO identity for the null path.
        identifiers.spf = {dmarc_input(spf.outcome.result), spf.domain};
    }
    auto parsed =
        co_await net::run_blocking(workers_, [&] { return dkim::parse_message(message); });
    if (options_.dkim) {
        auto signatures = co_await check_dkim(dns_, workers_, parsed);
        if (signatures.empty()) {
            results.push_back({"dkim", "none", "", {}});
        }
        for (const auto& s : signatures) {
            results.push_back(dkim_method(s));
            identifiers.dkim.push_back({dmarc_input(s.result), s.domain});
        }
    }
    arc::Validation chain;
    if (options_.arc) {
        chain = co_await arc::validate(parsed, dns_, on_workers(workers_));
        results.push_back(arc::method_result(chain, ec ? std::nullopt : std::optional(ip)));
    }

    InboundVerdict verdict;
    if (options_.dmarc) {
        co_await check_dmarc(envelope, message, {spf, identifiers, parsed, chain}, results,
                             verdict);
        if (verdict.action == InboundVerdict::Action::reject) {
            co_return verdict;
        }
    }
    verdict.message = format_authentication_results(options_.authserv_id, results) +
                      without_own_results(std::move(message), options_.authserv_id);
    if (!envelope.forwarding_domain.empty() && options_.arc && dkim_keys_) {
        try {
            verdict.forwarded_prefix = co_await net::run_blocking(workers_, [&] {
                return seal_forwarded(*dkim_keys_, envelope.forwarding_domain, verdict.message,
                                      chain.result, options_.authserv_id, format_results(results));
            });
        } catch (const std::exception& e) {
            // Forwarded unsealed: the far end sees what it would have seen without ARC.
            spdlog::warn("ARC seal for {}: {}", envelope.forwarding_domain, e.what());
        }
    }
    co_return verdict;
}

// RFC 7489 §6.6: the From domains' policies against what SPF and DKIM authenticated.
asio::awaitable<void> InboundAuthentication::check_dmarc(const smtp::InboundEnvelope& envelope,
                                                         const std::string& message,
                                                         const Authenticated& authenticated,
                                                         std::vector<MethodResult>& results,
                                                         InboundVerdict& verdict) {
    smtp::FromField from = smtp::read_from_field(message);
    if (from.problem == smtp::FromField::Problem::several) {
        // Readers would show one author and DMARC could check the other (RFC 7489 §6.6.1
        // leaves such messages to the receiver).
        verdict.action = InboundVerdict::Action::reject;
        verdict.reason = "Message has more than one From: header field";
        co_return;
    }
    std::vector<std::string> from_domains;
    for (const auto& address : from.addresses) {
        from_domains.push_back(address.domain);
    }
    auto dmarc_verdict = co_await dmarc::check_message(dns_, suffixes_, std::move(from_domains),
                                                       authenticated.identifiers);
    auto trusted = arc_override(dmarc_verdict, authenticated.parsed, authenticated.arc,
                                options_.trusted_arc_sealers);
    if (dmarc_verdict.verdicts.empty()) {
        results.push_back({"dmarc", "none", "", {}});
    }
    for (const auto& v : dmarc_verdict.verdicts) {
        MethodResult result = dmarc::method_result(v);
        if (trusted && v.result == dmarc::Result::fail) {
            // The result stays what we found (RFC 8601 §2.7.1); why it was not acted on is said.
            result.reason =
                "policy overridden: trusted ARC sealer " + trusted->sealer + " saw dmarc=pass";
        }
        results.push_back(std::move(result));
    }
    if (trusted) {
        spdlog::info("DMARC fail from {} overridden: trusted ARC sealer {} saw it pass",
                     envelope.client_ip, trusted->sealer);
    } else {
        apply_dmarc_policy(dmarc_verdict, options_, verdict);
    }
    record(dmarc_verdict, authenticated, envelope, applied_policy(verdict.action),
           trusted ? trusted->report_comment : "");
}

// RFC 7489 §7.2: a row for the aggregate report of each policy that asks for one (rua=).
void InboundAuthentication::record(const dmarc::MessageVerdict& dmarc_verdict,
                                   const Authenticated& authenticated,
                                   const smtp::InboundEnvelope& envelope, dmarc::Policy applied,
                                   const std::string& arc_override_comment) {
    const SpfCheck& spf = authenticated.spf;
    if (!record_dmarc_) {
        return;
    }
    for (const auto& v : dmarc_verdict.verdicts) {
        if (!v.record || v.record->aggregate_uris.empty()) {
            continue;
        }
        dmarc::ReportRow row;
        row.source_ip = envelope.client_ip;
        row.disposition = applied;
        row.dkim_aligned_pass = v.dkim_aligned;
        row.spf_aligned_pass = v.spf_aligned;
        if (v.sampled_out) {
            row.override_reason = dmarc::PolicyOverride::sampled_out;
        } else if (!arc_override_comment.empty() && v.result == dmarc::Result::fail) {
            row.override_reason = dmarc::PolicyOverride::local_policy;
            row.override_comment = arc_override_comment;
        }
        row.envelope_from = envelope.mail_from.empty() ? "" : spf.domain;
        row.header_from = v.from_domain;
        row.dkim = authenticated.identifiers.dkim;
        row.spf = authenticated.identifiers.spf;
        row.spf_scope_helo = spf.helo_identity;
        record_dmarc_({v.policy_domain, *v.record}, std::move(row));
    }
}

}  // namespace sealbox::server

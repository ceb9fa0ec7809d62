#include "mailauth/dmarc/evaluate.h"

#include <algorithm>
#include <random>

namespace sealbox::mailauth::dmarc {

namespace asio = boost::asio;

namespace {

// §6.6.4: a message that pct leaves out gets "the next policy lower in strength": quarantine
// instead of reject, normal classification (none) instead of quarantine.
Policy one_step_lower(Policy policy) {
    return policy == Policy::reject ? Policy::quarantine : Policy::none;
}

// §6.3 p/sp and RFC 9091 §4.2 np: p for the domain that published the record; for its
// subdomains sp, or np when the subdomain does not exist.
Policy requested_policy(const PolicyLookup& lookup) {
    const Record& record = *lookup.record;
    if (lookup.policy_domain == lookup.from_domain) {
        return record.policy;
    }
    return lookup.from_domain_nonexistent ? record.policy_for_nonexistent()
                                          : record.policy_for_subdomain();
}

int severity(Result result) {
    switch (result) {
        case Result::fail:
            return 4;
        case Result::temperror:
            return 3;
        case Result::permerror:
            return 2;
        case Result::pass:
            return 1;
        case Result::none:
            return 0;
    }
    return 0;
}

}  // namespace

std::string_view to_string(Result result) {
    switch (result) {
        case Result::none:
            return "none";
        case Result::pass:
            return "pass";
        case Result::fail:
            return "fail";
        case Result::temperror:
            return "temperror";
        case Result::permerror:
            return "permerror";
    }
    return "none";
}

bool aligned(std::string_view authenticated_domain, std::string_view from_domain, Alignment mode,
             const PublicSuffixList& suffixes) {
    auto authenticated = to_ascii_domain(authenticated_domain);
    auto from = to_ascii_domain(from_domain);
    if (!authenticated || !from) {
        return false;
    }
    if (*authenticated == *from) {
        return true;
    }
    // §3.1.1/§3.1.2: relaxed mode asks only that the Organizational Domains be the same.
    return mode == Alignment::relaxed &&
           suffixes.organizational_domain(*authenticated) == suffixes.organizational_domain(*from);
}

Verdict evaluate(const PolicyLookup& lookup, const AuthenticatedIdentifiers& identifiers,
                 const PublicSuffixList& suffixes, int roll) {
    Verdict verdict;
    verdict.from_domain = lookup.from_domain;
    verdict.policy_domain = lookup.policy_domain;
    verdict.detail = lookup.detail;
    switch (lookup.status) {
        case PolicyLookup::Status::none:
            verdict.result = Result::none;
            return verdict;
        case PolicyLookup::Status::temperror:
            verdict.result = Result::temperror;
            return verdict;
        case PolicyLookup::Status::permerror:
            verdict.result = Result::permerror;
            return verdict;
        case PolicyLookup::Status::found:
            break;
    }
    const Record& record = *lookup.record;
    verdict.record = record;

    // §4.2: DMARC passes when SPF or DKIM passes for an identifier aligned with the From domain.
    verdict.spf_aligned =
        identifiers.spf.result == AuthResult::pass &&
        aligned(identifiers.spf.domain, lookup.from_domain, record.spf_alignment, suffixes);
    verdict.dkim_aligned = std::ranges::any_of(identifiers.dkim, [&](const DkimInput& dkim) {
        return dkim.result == AuthResult::pass &&
               aligned(dkim.domain, lookup.from_domain, record.dkim_alignment, suffixes);
    });
    verdict.requested = requested_policy(lookup);
    if (verdict.spf_aligned || verdict.dkim_aligned) {
        verdict.result = Result::pass;
        return verdict;
    }
    verdict.result = Result::fail;
    // §6.6.4: the requested policy for no more than pct percent of the failing messages.
    verdict.sampled_out = verdict.requested != Policy::none && roll >= record.percent;
    verdict.disposition =
        verdict.sampled_out ? one_step_lower(verdict.requested) : verdict.requested;
    return verdict;
}

MethodResult method_result(const Verdict& verdict) {
    MethodResult result{"dmarc", std::string(to_string(verdict.result)), "", {}};
    if (!verdict.from_domain.empty()) {
        result.property("header", "from", verdict.from_domain);
    }
    return result;
}

int random_percent() {
    thread_local std::mt19937 engine{std::random_device{}()};
    return std::uniform_int_distribution<int>(0, 99)(engine);
}

asio::awaitable<Verdict> check(DnsLookup& dns, const PublicSuffixList& suffixes,
                               std::string from_domain, AuthenticatedIdentifiers identifiers,
                               PercentRoll roll) {
    PolicyLookup lookup = co_await discover_policy(dns, suffixes, std::move(from_domain));
    co_return evaluate(lookup, identifiers, suffixes, roll());
}

asio::awaitable<MessageVerdict> check_message(DnsLookup& dns, const PublicSuffixList& suffixes,
                                              std::vector<std::string> from_domains,
                                              AuthenticatedIdentifiers identifiers,
                                              PercentRoll roll) {
    MessageVerdict message;
    if (from_domains.empty()) {
        // §6.6.1: "a message typically needs to contain exactly one RFC5322.From domain";
        // handling the others "is outside the scope of this document": the caller decides.
        message.result = Result::permerror;
        co_return message;
    }
    message.from_usable = true;
    std::vector<std::string> checked;
    for (const std::string& domain : from_domains) {
        auto ascii = to_ascii_domain(domain);
        std::string key = ascii ? *ascii : domain;
        if (std::ranges::find(checked, key) != checked.end()) {
            continue;
        }
        checked.push_back(key);
        // §6.6.1: with several From domains, "apply the DMARC check using each of those
        // domains ... and apply the most strict policy selected among the checks that fail".
        Verdict verdict = co_await check(dns, suffixes, domain, identifiers, roll);
        if (message.verdicts.empty() || severity(verdict.result) > severity(message.result)) {
            message.result = verdict.result;
        }
        message.disposition = std::max(message.disposition, verdict.disposition);
        message.verdicts.push_back(std::move(verdict));
    }
    co_return message;
}

}  // namespace sealbox::mailauth::dmarc

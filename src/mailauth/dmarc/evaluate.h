#pragma once
// DMARC evaluation (RFC 7489 §6.6): identifier alignment of the SPF- and DKIM-authenticated
// domains with the RFC5322.From domain (§3.1), the result, and the policy to apply with pct
// sampling (§6.6.4). `evaluate` is pure; `check` and `check_message` add policy discovery.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailauth/auth_results.h"
#include "mailauth/dmarc/discovery.h"

namespace sealbox::mailauth::dmarc {

// The result names of RFC 8601 §2.7.1 (DKIM) and §2.7.2 (SPF); only "pass" authenticates.
enum class AuthResult { none, pass, fail, softfail, neutral, policy, temperror, permerror };

// RFC 7489 §3.1.2: the domain SPF authenticated: the RFC5321.MailFrom domain, or the HELO
// identity when MAIL FROM was empty (RFC 7208 §2.4).
struct SpfInput {
    AuthResult result = AuthResult::none;
    std::string domain;
};

// RFC 7489 §3.1.1: one DKIM signature's result and its d= domain.
struct DkimInput {
    AuthResult result = AuthResult::none;
    std::string domain;
};

struct AuthenticatedIdentifiers {
    SpfInput spf;
    std::vector<DkimInput> dkim;
};

// RFC 7489 §11.2, the dmarc method's result names in Authentication-Results.
enum class Result { none, pass, fail, temperror, permerror };
std::string_view to_string(Result result);

struct Verdict {
    Result result = Result::none;
    std::string from_domain;  // A-labels, as checked ("header.from")
    std::string policy_domain;
    bool spf_aligned = false;   // SPF passed for an aligned domain
    bool dkim_aligned = false;  // some DKIM signature passed for an aligned d=
    // The policy the Domain Owner asks for this From domain (p, sp or np), and the one to
    // apply to this message: `requested` on failure, lowered one step when pct sampling left
    // the message out (§6.6.4); none unless the result is fail.
    Policy requested = Policy::none;
    Policy disposition = Policy::none;
    bool sampled_out = false;
    std::optional<Record> record;  // the policy as found, for aggregate reports (§7.2)
    std::string detail;            // for logs
};

// RFC 7489 §3.1: strict alignment wants the same name; relaxed the same organizational domain.
// Both sides compare in lower-case A-label form.
bool aligned(std::string_view authenticated_domain, std::string_view from_domain, Alignment mode,
             const PublicSuffixList& suffixes);

// `roll` is a number in [0, 100) drawn for this message: the requested policy applies when it
// is below pct.
Verdict evaluate(const PolicyLookup& lookup, const AuthenticatedIdentifiers& identifiers,
                 const PublicSuffixList& suffixes, int roll);

// Draws the `roll` of `evaluate`; tests pass a fixed one.
using PercentRoll = std::function<int()>;
int random_percent();

// The verdict's entry in Authentication-Results: "dmarc=fail header.from=example.com" (RFC
// 7489 §11.2 registers the method with the header.from property).
MethodResult method_result(const Verdict& verdict);

// Discovery and evaluation of one From domain. Identifiers and roll are taken by value: the
// coroutine keeps its own copies across the DNS queries.
boost::asio::awaitable<Verdict> check(DnsLookup& dns, const PublicSuffixList& suffixes,
                                      std::string from_domain, AuthenticatedIdentifiers identifiers,
                                      PercentRoll roll = random_percent);

// The whole message (§6.6.1). `from_domains` are the domains of the mailboxes in its one From
// field; the caller passes none when the message has no From field, several, or one that does
// not parse (RFC 5322 §3.6 forbids those; RFC 7489 leaves them out of its scope).
struct MessageVerdict {
    bool from_usable = false;           // exactly one From field, with at least one domain
    std::vector<Verdict> verdicts;      // one per distinct From domain
    Result result = Result::none;       // fail if any fails, else temperror, permerror, pass, none
    Policy disposition = Policy::none;  // the strictest of the verdicts' (§6.6.1)
};

boost::asio::awaitable<MessageVerdict> check_message(DnsLookup& dns,
                                                     const PublicSuffixList& suffixes,
                                                     std::vector<std::string> from_domains,
                                                     AuthenticatedIdentifiers identifiers,
                                                     PercentRoll roll = random_percent);

}  // namespace sealbox::mailauth::dmarc

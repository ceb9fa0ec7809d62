#pragma once
// Fetching a domain's MTA-STS policy file (RFC 8461 §3.3): GET
// https://mta-sts.<domain>/.well-known/mta-sts.txt over HTTPS with Boost.Beast, the certificate
// valid for that host name (system CA store, or the configured CA file), no redirects followed,
// a 200 with Content-Type text/plain, at most 64 KiB, within one deadline.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "dns/resolver.h"
#include "mtasts/policy.h"

namespace sealbox::mtasts {

// RFC 8461 §3.3 leaves the limits to the sender; these are generous for a few lines of text.
inline constexpr std::size_t kMaxPolicyBytes = 64 * 1024;

struct FetchOptions {
    // Verifying client context: net::make_client_tls_context(ca_file).
    std::shared_ptr<boost::asio::ssl::context> tls;
    int port = 443;                                                // only tests change it
    std::chrono::milliseconds timeout = std::chrono::seconds(60);  // for the whole fetch
};

// What went wrong, in the terms of RFC 8460 §4.3.
enum class FetchProblem {
    none,
    unreachable,  // no address, no connection, no 200: sts-policy-fetch-error
    certificate,  // the policy host's certificate did not verify: sts-webpki-invalid
    invalid,      // fetched, but not a valid policy: sts-policy-invalid
};

struct FetchResult {
    std::optional<Policy> policy;
    std::string error{};  // why not: the connection, the certificate, HTTP, or the policy itself
    FetchProblem problem = FetchProblem::none;
};

// The policy host's addresses come from `resolver`, which must outlive the call.
boost::asio::awaitable<FetchResult> fetch_policy(dns::Resolver& resolver, std::string domain,
                                                 const FetchOptions& options);

// RFC 8461 §3.3: "text/plain", whatever its parameters and case.
bool is_text_plain(std::string_view content_type);

}  // namespace sealbox::mtasts

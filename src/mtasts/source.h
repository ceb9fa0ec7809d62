#pragma once
// The MTA-STS policy that applies to a recipient domain now (RFC 8461 §5.1): the TXT record,
// the durable cache, and a fetch when the record names a new policy or the cached one expired.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <optional>
#include <string>

#include "dns/resolver.h"
#include "mtasts/cache.h"
#include "mtasts/fetch.h"

namespace sealbox::mtasts {

struct Lookup {
    std::optional<Policy> policy;  // none: deliver as without MTA-STS
    // A policy was announced and could not be fetched (RFC 8460 §4.3), whether or not a cached
    // one stood in; the error is empty when nothing went wrong.
    std::string fetch_error{};
    FetchProblem fetch_problem = FetchProblem::none;
};

class PolicySource {
  public:
    // All must outlive the source; the cache is used on `workers`.
    PolicySource(dns::Resolver& resolver, boost::asio::thread_pool& workers, PolicyCache& cache,
                 FetchOptions fetch);

    boost::asio::awaitable<Lookup> policy_for(std::string domain);

  private:
    dns::Resolver& resolver_;
    boost::asio::thread_pool& workers_;
    PolicyCache& cache_;
    FetchOptions fetch_;
};

}  // namespace sealbox::mtasts

#include "mtasts/source.h"

#include <spdlog/spdlog.h>

#include <ctime>

#include "net/blocking.h"

namespace sealbox::mtasts {
namespace asio = boost::asio;

PolicySource::PolicySource(dns::Resolver& resolver, asio::thread_pool& workers, PolicyCache& cache,
                           FetchOptions fetch)
    : resolver_(resolver), workers_(workers), cache_(cache), fetch_(std::move(fetch)) {}

asio::awaitable<Lookup> PolicySource::policy_for(std::string domain) {
    const std::int64_t now = std::time(nullptr);
    // RFC 8461 §3.1: a TXT lookup that fails counts as no record; the cache still holds.
    auto txt = co_await resolver_.txt("_mta-sts." + domain);
    std::optional<StsRecord> record;
    if (txt.status == dns::Status::ok) {
        record = select_sts_record(txt.records);
    }
    auto cached = co_await net::run_blocking(workers_, [&] { return cache_.find(domain); });
    Lookup out;
    switch (plan_refresh(cached, record, now)) {
        case Refresh::none:
            co_return out;
        case Refresh::use_cached:
            out.policy = current(cached, now);
            co_return out;
        case Refresh::fetch:
            break;
    }
    FetchResult fetched = co_await fetch_policy(resolver_, domain, fetch_);
    if (!fetched.policy) {
        // RFC 8461 §5.1: an unexpired cached policy still applies.
        spdlog::warn("MTA-STS policy of {} (id {}): {}", domain, record->id, fetched.error);
        out.policy = current(cached, now);
        out.fetch_error = fetched.error;
        out.fetch_problem = fetched.problem;
        co_return out;
    }
    CachedPolicy fresh{record->id, *fetched.policy, now, now + fetched.policy->max_age};
    co_await net::run_blocking(workers_, [&] { cache_.put(domain, fresh); });
    spdlog::info("MTA-STS policy of {} (id {}): mode {}, max_age {}", domain, fresh.id,
                 to_string(fresh.policy.mode), fresh.policy.max_age);
    out.policy = std::move(fresh.policy);
    co_return out;
}

}  // namespace sealbox::mtasts

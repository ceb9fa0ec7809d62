#pragma once
// The MTA-STS policies Sealbox has fetched, kept durably (RFC 8461 §5.1: a cached policy
// protects against an attacker who later blocks the policy host or the TXT record), in an
// encrypted SQLite database beside the queue's; and the pure decision of when to fetch again.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "crypto/secret.h"
#include "mtasts/policy.h"
#include "store/sqlite.h"

namespace sealbox::mtasts {

struct CachedPolicy {
    std::string id;  // the TXT record's id it was fetched for
    Policy policy;
    std::int64_t fetched_at = 0;  // unix seconds
    std::int64_t expires_at = 0;  // fetched_at + max_age
};

// Thread-safe; blocking (SQLite): call it on the worker pool.
class PolicyCache {
  public:
    // `key` is a 32-byte key (a subkey of the server key).
    PolicyCache(const std::filesystem::path& path, const crypto::SecretBytes& key);

    std::optional<CachedPolicy> find(std::string_view domain);
    void put(std::string_view domain, const CachedPolicy& cached);

  private:
    std::mutex mutex_;
    store::Database db_;
};

// The cache of a configured server: data_dir/mta-sts.db under a subkey of the server key.
std::unique_ptr<PolicyCache> open_policy_cache(const Config& config);

enum class Refresh {
    use_cached,  // the cached policy is current
    fetch,       // fetch the policy file (and fall back on the cached policy if that fails)
    none,        // no policy applies
};

// RFC 8461 §5.1 (and §3.1): before delivering to a domain, given its cached policy, the TXT
// record found now (nullopt when absent, invalid or the lookup failed) and the time. A new id
// or an expired policy means fetching; a missing record never removes a cached policy before
// it expires.
Refresh plan_refresh(const std::optional<CachedPolicy>& cached,
                     const std::optional<StsRecord>& record, std::int64_t now);

// The cached policy, when it is still valid at `now`.
std::optional<Policy> current(const std::optional<CachedPolicy>& cached, std::int64_t now);

}  // namespace sealbox::mtasts

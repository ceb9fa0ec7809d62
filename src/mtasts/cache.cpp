#include "mtasts/cache.h"

#include "crypto/aead.h"
#include "crypto/server_key.h"
#include "store/encrypted_vfs.h"

namespace sealbox::mtasts {
namespace {

constexpr int kSchemaVersion = 1;

// The policy is kept as the text it serializes to, so that it is parsed by the one parser.
constexpr const char* kSchema = R"sql(
CREATE TABLE policies(
    domain TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    policy TEXT NOT NULL,
    fetched_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL);
)sql";

}  // namespace

PolicyCache::PolicyCache(const std::filesystem::path& path, const crypto::SecretBytes& key)
    : db_(store::open_encrypted_database(path, key, "MTA-STS policy cache")) {
    store::ensure_schema(db_, kSchemaVersion, kSchema);
}

std::optional<CachedPolicy> PolicyCache::find(std::string_view domain) {
    std::lock_guard lock(mutex_);
    auto s =
        db_.prepare("SELECT id, policy, fetched_at, expires_at FROM policies WHERE domain = ?");
    s.bind(1, domain);
    if (!s.step()) {
        return std::nullopt;
    }
    auto parsed = parse_policy(s.text(1));
    if (!parsed.policy) {
        return std::nullopt;  // written by this code, so only a newer format gets here
    }
    return CachedPolicy{s.text(0), std::move(*parsed.policy), s.int64(2), s.int64(3)};
}

void PolicyCache::put(std::string_view domain, const CachedPolicy& cached) {
    std::lock_guard lock(mutex_);
    db_.prepare(
           "INSERT INTO policies(domain, id, policy, fetched_at, expires_at) VALUES(?, ?, ?, ?, ?) "
           "ON CONFLICT(domain) DO UPDATE SET id = excluded.id, policy = excluded.policy, "
           "fetched_at = excluded.fetched_at, expires_at = excluded.expires_at")
        .bind(1, domain)
        .bind(2, cached.id)
        .bind(3, to_text(cached.policy))
        .bind(4, cached.fetched_at)
        .bind(5, cached.expires_at)
        .run();
}

std::unique_ptr<PolicyCache> open_policy_cache(const Config& config) {
    const auto& dir = config.server.data_dir;
    auto key_file = config.server.key_file.empty() ? dir / "server.key" : config.server.key_file;
    crypto::SecretBytes server_key = crypto::load_server_key(key_file, true);
    return std::make_unique<PolicyCache>(dir / "mta-sts.db",
                                         crypto::derive_subkey(server_key, 2, "mtastspc"));
}

std::optional<Policy> current(const std::optional<CachedPolicy>& cached, std::int64_t now) {
    if (cached && cached->expires_at > now) {
        return cached->policy;
    }
    return std::nullopt;
}

Refresh plan_refresh(const std::optional<CachedPolicy>& cached,
                     const std::optional<StsRecord>& record, std::int64_t now) {
    const bool valid = current(cached, now).has_value();
    if (record) {
        return valid && cached->id == record->id ? Refresh::use_cached : Refresh::fetch;
    }
    return valid ? Refresh::use_cached : Refresh::none;
}

}  // namespace sealbox::mtasts

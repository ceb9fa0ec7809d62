#include "mailauth/dkim_keys/key_store.h"

#include <fmt/format.h>

#include <ctime>

#include "core/ascii.h"
#include "core/base64.h"
#include "core/error.h"
#include "crypto/aead.h"
#include "crypto/server_key.h"
#include "store/encrypted_vfs.h"

namespace sealbox::mailauth::dkim_keys {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE dkim_keys(
    id INTEGER PRIMARY KEY,
    domain TEXT NOT NULL,
    selector TEXT NOT NULL,
    type TEXT NOT NULL,
    private_key BLOB NOT NULL,
    public_key BLOB NOT NULL,
    created INTEGER NOT NULL,
    state TEXT NOT NULL,
    UNIQUE(domain, selector));
)sql";

constexpr dkim::KeyType kTypes[] = {dkim::KeyType::rsa, dkim::KeyType::ed25519};

std::string_view type_name(dkim::KeyType type) {
    return type == dkim::KeyType::rsa ? "rsa" : "ed25519";  // k= (RFC 6376 §3.6.1, RFC 8463 §4.2)
}

dkim::KeyType type_of(std::string_view name) {
    return name == "ed25519" ? dkim::KeyType::ed25519 : dkim::KeyType::rsa;
}

// What a sealed private key is bound to: it opens only in its own row.
std::string seal_context(std::string_view domain, std::string_view selector) {
    return fmt::format("sealbox DKIM private key {} {}", domain, selector);
}

// "sb<yyyymm>r" and "sb<yyyymm>e", with a digit from 2 on when the month has keys already.
std::string selector_for(dkim::KeyType type, std::int64_t now, int n) {
    std::time_t t = static_cast<std::time_t>(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("sb{:04}{:02}{}{}", tm.tm_year + 1900, tm.tm_mon + 1,
                       type == dkim::KeyType::rsa ? 'r' : 'e', n > 1 ? std::to_string(n) : "");
}

std::vector<DkimKey> read_keys(store::Statement& s) {
    std::vector<DkimKey> keys;
    while (s.step()) {
        auto pub = s.blob(3);
        keys.push_back(DkimKey{s.text(0), s.text(1), type_of(s.text(2)),
                               std::string(pub.begin(), pub.end()), s.int64(4),
                               s.text(5) == "active" ? KeyState::active : KeyState::retired});
    }
    return keys;
}

}  // namespace

std::string_view DkimKey::algorithm() const {
    return type == dkim::KeyType::rsa ? "rsa-sha256" : "ed25519-sha256";
}

std::string DkimKey::txt_record() const {
    return fmt::format("v=DKIM1; k={}; p={}", type_name(type), base64_encode(public_key));
}

std::string DkimKey::record_name() const {
    return selector + "._domainkey." + domain;
}

KeyStore::KeyStore(const std::filesystem::path& path, const crypto::SecretBytes& key)
    : sealing_key_(crypto::derive_subkey(key, 2, "dkimseal")),
      db_(store::open_encrypted_database(path, crypto::derive_subkey(key, 1, "dkimdb__"),
                                         "DKIM key store")) {
    store::ensure_schema(db_, kSchemaVersion, kSchema);
}

std::vector<DkimKey> KeyStore::add_pair(const std::string& domain, std::int64_t now) {
    int n = 1;
    auto taken = db_.prepare("SELECT 1 FROM dkim_keys WHERE domain = ? AND selector IN (?, ?)");
    for (;; ++n) {
        taken.reset();
        taken.bind(1, domain)
            .bind(2, selector_for(dkim::KeyType::rsa, now, n))
            .bind(3, selector_for(dkim::KeyType::ed25519, now, n));
        if (!taken.step()) {
            break;
        }
    }
    std::vector<DkimKey> added;
    for (auto type : kTypes) {
        auto key = dkim::SigningKey::generate(type);
        DkimKey info{domain,          selector_for(type, now, n), type, key.public_key(), now,
                     KeyState::active};
        auto private_key = key.private_key();
        auto sealed =
            crypto::seal(sealing_key_, private_key.bytes(), seal_context(domain, info.selector));
        db_.prepare(
               "INSERT INTO dkim_keys(domain, selector, type, private_key, public_key, created, "
               "state) VALUES(?, ?, ?, ?, ?, ?, 'active')")
            .bind(1, domain)
            .bind(2, info.selector)
            .bind(3, type_name(type))
            .bind_blob(4, sealed)
            .bind_blob(5, {reinterpret_cast<const std::uint8_t*>(info.public_key.data()),
                           info.public_key.size()})
            .bind(6, now)
            .run();
        added.push_back(std::move(info));
    }
    return added;
}

std::vector<DkimKey> KeyStore::generate(std::string_view domain, std::int64_t now) {
    auto name = ascii_lower(domain);
    std::lock_guard lock(mutex_);
    store::Transaction tx(db_);
    auto active = db_.prepare("SELECT 1 FROM dkim_keys WHERE domain = ? AND state = 'active'");
    if (active.bind(1, name).step()) {
        throw Error(ErrorCode::already_exists,
                    name + " has DKIM keys already; `dkim rotate` replaces them");
    }
    auto added = add_pair(name, now);
    tx.commit();
    return added;
}

std::vector<DkimKey> KeyStore::rotate(std::string_view domain, std::int64_t now) {
    auto name = ascii_lower(domain);
    std::lock_guard lock(mutex_);
    store::Transaction tx(db_);
    db_.prepare("UPDATE dkim_keys SET state = 'retired' WHERE domain = ? AND state = 'active'")
        .bind(1, name)
        .run();
    if (db_.changes() == 0) {
        throw Error(ErrorCode::not_found,
                    name + " has no DKIM keys to rotate; `dkim generate` makes them");
    }
    auto added = add_pair(name, now);
    tx.commit();
    return added;
}

void KeyStore::remove(std::string_view domain, std::string_view selector) {
    auto name = ascii_lower(domain);
    std::lock_guard lock(mutex_);
    db_.prepare("DELETE FROM dkim_keys WHERE domain = ? AND selector = ? AND state = 'retired'")
        .bind(1, name)
        .bind(2, selector)
        .run();
    if (db_.changes() == 0) {
        throw Error(ErrorCode::not_found,
                    fmt::format("{} has no retired DKIM key with selector {}", name, selector));
    }
}

std::vector<DkimKey> KeyStore::list(std::string_view domain) {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "SELECT domain, selector, type, public_key, created, state FROM dkim_keys "
        "WHERE domain = ? ORDER BY created, id");
    s.bind(1, ascii_lower(domain));
    return read_keys(s);
}

std::vector<SignerKey> KeyStore::active_keys(std::string_view domain) {
    auto name = ascii_lower(domain);
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "SELECT selector, type, private_key FROM dkim_keys WHERE domain = ? AND state = 'active' "
        "ORDER BY type DESC, id");  // "rsa" before "ed25519"
    s.bind(1, name);
    std::vector<SignerKey> keys;
    while (s.step()) {
        auto selector = s.text(0);
        auto private_key =
            crypto::open_secret(sealing_key_, s.blob(2), seal_context(name, selector));
        keys.push_back(SignerKey{
            selector, dkim::SigningKey::from_private_key(type_of(s.text(1)), private_key.bytes())});
    }
    return keys;
}

std::unique_ptr<KeyStore> open_key_store(const Config& config, bool create) {
    const auto& dir = config.server.data_dir;
    auto key_file = config.server.key_file.empty() ? dir / "server.key" : config.server.key_file;
    crypto::SecretBytes server_key = crypto::load_server_key(key_file, create);
    return std::make_unique<KeyStore>(dir / "dkim.db",
                                      crypto::derive_subkey(server_key, 3, "dkimkeys"));
}

}  // namespace sealbox::mailauth::dkim_keys

#pragma once
// The DKIM keys of Sealbox's domains (RFC 6376 §3.6, RFC 8463): per domain an RSA-2048 and an
// Ed25519 key under their own selectors, signed with side by side. Rotation adds a new pair and
// retires the old one, which stays (and stays published) until it is removed, so that mail
// signed just before still verifies.
//
// data_dir/dkim.db is an SQLite database through the encrypting VFS under a subkey of the
// server key; each private key is moreover sealed (XChaCha20-Poly1305) under a second subkey
// with its domain and selector as associated data, so it is in the clear only in sodium_malloc
// memory, never in SQLite's page cache, and a sealed key moved to another row does not open.
// Private keys are kept as SigningKey::private_key() gives them: RSA as PKCS#8 PEM, Ed25519 as
// its 32-byte seed (RFC 8032 §5.1.5).
// Thread-safe; blocking (SQLite): call it on the worker pool.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "crypto/secret.h"
#include "mailauth/dkim/keys.h"
#include "store/sqlite.h"

namespace sealbox::mailauth::dkim_keys {

enum class KeyState { active, retired };

struct DkimKey {
    std::string domain;    // lowercase
    std::string selector;  // "sb202511r", "sb202511e" (a digit is added when a month has several)
    dkim::KeyType type = dkim::KeyType::rsa;
    std::string public_key;    // p= decoded: DER SubjectPublicKeyInfo, or the raw Ed25519 key
    std::int64_t created = 0;  // unix seconds
    KeyState state = KeyState::active;

    std::string_view algorithm() const;  // a= of the signatures: "rsa-sha256", "ed25519-sha256"
    // The TXT record to publish at <selector>._domainkey.<domain> (RFC 6376 §3.6.1,
    // RFC 8463 §4.2): "v=DKIM1; k=rsa; p=...".
    std::string txt_record() const;
    std::string record_name() const;  // "<selector>._domainkey.<domain>"
};

// An active key, ready to sign with.
struct SignerKey {
    std::string selector;
    dkim::SigningKey key;
};

class KeyStore {
  public:
    // `key` is a 32-byte subkey of the server key, from which the store derives its two keys.
    // Throws Error(corrupt) when the database does not open under it.
    KeyStore(const std::filesystem::path& path, const crypto::SecretBytes& key);

    // A new RSA and Ed25519 pair, active. Throws Error(already_exists) when the domain already
    // has active keys (rotate() replaces them).
    std::vector<DkimKey> generate(std::string_view domain, std::int64_t now);
    // A new active pair; the active keys become retired. Throws Error(not_found) when the
    // domain has no active keys.
    std::vector<DkimKey> rotate(std::string_view domain, std::int64_t now);
    // Forgets a retired key. Throws Error(not_found) for no such retired key.
    void remove(std::string_view domain, std::string_view selector);

    // Every key of the domain, oldest first.
    std::vector<DkimKey> list(std::string_view domain);
    // The active keys with their private keys, RSA first.
    std::vector<SignerKey> active_keys(std::string_view domain);

  private:
    std::vector<DkimKey> add_pair(const std::string& domain, std::int64_t now);

    std::mutex mutex_;
    crypto::SecretBytes sealing_key_;
    store::Database db_;
};

// The key store of a configured server: data_dir/dkim.db under a subkey of the server key
// (server.key_file, or data_dir/server.key, created when `create` is true).
std::unique_ptr<KeyStore> open_key_store(const Config& config, bool create);

}  // namespace sealbox::mailauth::dkim_keys

#pragma once
// The two DKIM key types (RFC 6376 §3.3 RSA, RFC 8463 §3 Ed25519) as signing and verifying
// primitives over the header hash, so that ARC (RFC 8617 §5.1) signs and verifies with them too.
// RSA through OpenSSL EVP, Ed25519 through libsodium; nothing is hand-written.

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "crypto/secret.h"
#include "mailauth/dkim/canonicalization.h"
#include "mailauth/dkim/key_record.h"

namespace sealbox::mailauth::dkim {

struct EvpKeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using EvpKey = std::unique_ptr<EVP_PKEY, EvpKeyFree>;

class PublicKey {
  public:
    // From a key record's p= (decoded): for RSA a DER SubjectPublicKeyInfo, or the bare
    // RSAPublicKey §3.6.1 names; for Ed25519 the 32 raw bytes (RFC 8463 §4.2). nullopt with a
    // reason in `error` when the bytes are not such a key.
    static std::optional<PublicKey> from_record(KeyType type, std::string_view key,
                                                std::string& error);

    KeyType type() const { return type_; }
    unsigned bits() const;
    // RSA: RSASSA-PKCS1-v1_5 with SHA-256 over the digest (RFC 6376 §3.3.1). Ed25519: PureEdDSA
    // over the 32-byte digest itself (RFC 8463 §3).
    bool verify(const Sha256& digest, std::string_view signature) const;

  private:
    KeyType type_ = KeyType::rsa;
    std::shared_ptr<EVP_PKEY> rsa_;
    std::array<std::uint8_t, 32> ed25519_{};
};

class SigningKey {
  public:
    // RSA-2048 or a fresh Ed25519 key.
    static SigningKey generate(KeyType type);
    // RSA: a private key in PEM or DER (PKCS#1 or PKCS#8); Ed25519: the 32-byte seed (RFC 8032
    // §5.1.5). Throws Error(invalid_argument) when the bytes are not such a key.
    static SigningKey from_private_key(KeyType type, std::span<const std::uint8_t> bytes);

    SigningKey(SigningKey&&) noexcept = default;
    SigningKey& operator=(SigningKey&&) noexcept = default;

    KeyType type() const { return type_; }
    // What from_private_key takes back: RSA as PKCS#8 PEM, Ed25519 as its seed.
    crypto::SecretBytes private_key() const;
    // p= of the key record (RFC 6376 §3.6.1): DER SubjectPublicKeyInfo, or the raw Ed25519 key.
    std::string public_key() const;
    // The TXT record to publish at <selector>._domainkey.<domain>.
    std::string key_record() const;
    // The signature over the header hash, as PublicKey::verify checks it.
    std::string sign(const Sha256& digest) const;

  private:
    SigningKey() = default;
    KeyType type_ = KeyType::rsa;
    EvpKey rsa_;
    crypto::SecretBytes ed25519_;  // libsodium's 64-byte secret key (seed ‖ public key)
};

}  // namespace sealbox::mailauth::dkim

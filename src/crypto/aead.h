#pragma once
// Symmetric sealing with XChaCha20-Poly1305 (libsodium): output is nonce || ciphertext || tag.
// `context` is bound as associated data, so a blob opened in the wrong place fails.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secret.h"

namespace sealbox::crypto {

inline constexpr std::size_t kKeyBytes = 32;

std::vector<std::uint8_t> seal(const SecretBytes& key, std::span<const std::uint8_t> plaintext,
                               std::string_view context);

// Throws Error(auth_failed) if the key or context is wrong or the blob was altered.
std::vector<std::uint8_t> open(const SecretBytes& key, std::span<const std::uint8_t> sealed,
                               std::string_view context);
// The same, for blobs that hold keys: the plaintext never leaves sodium_malloc memory.
SecretBytes open_secret(const SecretBytes& key, std::span<const std::uint8_t> sealed,
                        std::string_view context);

// Seals to an X25519 public key: a fresh message key is sealed with crypto_box_seal and the
// payload is encrypted under it, so only the holder of the secret key can open it.
std::vector<std::uint8_t> seal_to_public_key(std::span<const std::uint8_t> public_key,
                                             std::span<const std::uint8_t> plaintext,
                                             std::string_view context);
std::vector<std::uint8_t> open_from_public_key(std::span<const std::uint8_t> public_key,
                                               const SecretBytes& secret_key,
                                               std::span<const std::uint8_t> sealed,
                                               std::string_view context);

// A named 32-byte subkey of `key` (libsodium crypto_kdf); `purpose` is exactly 8 characters.
SecretBytes derive_subkey(const SecretBytes& key, std::uint64_t id, const char (&purpose)[9]);

}  // namespace sealbox::crypto

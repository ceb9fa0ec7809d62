#pragma once
// The per-account key hierarchy (docs/ARCHITECTURE.md, "Keys"):
//
//   password ──Argon2id──▶ password key ──unwraps──▶ master key ◀──unwraps── recovery key
//   master key ──KDF──▶ mailbox database key, key-pair wrapping key
//   X25519 public key (clear) seals mail for a locked account; its secret key is wrapped by the
//   master key, so only an unlocked account can open what was sealed to it.
//
// Checking a password is unwrapping the master key: there is no separate verifier to attack.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.h"

namespace sealbox::crypto {

struct PasswordHashParams {
    std::uint64_t opslimit = 3;
    std::size_t memlimit = 64u << 20;
};

// What the account database stores; none of it opens anything without a password or recovery key.
struct WrappedAccountKeys {
    std::vector<std::uint8_t> password_salt;
    PasswordHashParams password_params;
    std::vector<std::uint8_t> master_by_password;
    std::vector<std::uint8_t> master_by_recovery;
    std::vector<std::uint8_t> public_key;
    std::vector<std::uint8_t> secret_key_by_master;
};

struct UnlockedKeys {
    SecretBytes master;
    SecretBytes secret_key;
    std::vector<std::uint8_t> public_key;

    SecretBytes mailbox_database_key() const;
};

struct NewAccountKeys {
    WrappedAccountKeys wrapped;
    std::string recovery_key;  // shown once to the administrator, never stored
};

// `account_id` is the account's permanent random identifier, bound into every wrapping so that
// wrapped keys copied between accounts do not open.
NewAccountKeys create_account_keys(std::string_view password, const PasswordHashParams& params,
                                   std::string_view account_id);

// Both throw Error(auth_failed) for a wrong secret.
UnlockedKeys unlock_with_password(const WrappedAccountKeys& keys, std::string_view password,
                                  std::string_view account_id);
UnlockedKeys unlock_with_recovery_key(const WrappedAccountKeys& keys, std::string_view recovery_key,
                                      std::string_view account_id);

// Re-wraps the same master key under a new password; mail is never re-encrypted.
void rewrap_for_password(WrappedAccountKeys& keys, const UnlockedKeys& unlocked,
                         std::string_view new_password, const PasswordHashParams& params,
                         std::string_view account_id);

// Spends the time of one Argon2id derivation, so that a login for an unknown account takes as long
// as one for a known account.
void spend_password_time(std::string_view password, const PasswordHashParams& params);

// A fresh random account identifier (hex).
std::string new_account_id();

}  // namespace sealbox::crypto

#include "crypto/account_keys.h"

#include <sodium.h>

#include <array>
#include <cctype>

#include "core/error.h"
#include "crypto/aead.h"

namespace sealbox::crypto {
namespace {

constexpr char kBase32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kRecoveryGroup = 4;

std::string context(std::string_view what, std::string_view account_id) {
    std::string s = "sealbox/v1/";
    s += what;
    s += '/';
    s += account_id;
    return s;
}

SecretBytes password_key(std::string_view password, std::span<const std::uint8_t> salt,
                         const PasswordHashParams& params) {
    if (salt.size() != crypto_pwhash_SALTBYTES) {
        throw Error(ErrorCode::corrupt, "password salt has the wrong length");
    }
    SecretBytes key(kKeyBytes);
    if (crypto_pwhash(key.data(), key.size(), password.data(), password.size(), salt.data(),
                      params.opslimit, params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw Error(ErrorCode::internal, "Argon2id failed (out of memory?)");
    }
    return key;
}

// RFC 4648 base32 in groups of four, for a key a person copies onto paper.
std::string encode_recovery_key(const SecretBytes& key) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t emitted = 0;
    auto emit = [&](std::uint32_t index) {
        if (emitted > 0 && emitted % kRecoveryGroup == 0) {
            out += '-';
        }
        out += kBase32[index & 31];
        ++emitted;
    };
    for (std::uint8_t byte : key.bytes()) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            emit(buffer >> (bits - 5));
            bits -= 5;
        }
    }
    if (bits > 0) {
        emit(buffer << (5 - bits));
    }
    sodium_memzero(&buffer, sizeof buffer);
    return out;
}

SecretBytes decode_recovery_key(std::string_view text) {
    SecretBytes key(kKeyBytes);
    std::uint32_t buffer = 0;
    int bits = 0;
    std::size_t written = 0;
    for (char c : text) {
        if (c == '-' || c == ' ') {
            continue;
        }
        const char* pos = nullptr;
        char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        for (const char* p = kBase32; *p != '\0'; ++p) {
            if (*p == upper) {
                pos = p;
            }
        }
        if (pos == nullptr) {
            throw Error(ErrorCode::auth_failed, "recovery key contains an invalid character");
        }
        buffer = (buffer << 5) | static_cast<std::uint32_t>(pos - kBase32);
        bits += 5;
        if (bits >= 8) {
            if (written == key.size()) {
                throw Error(ErrorCode::auth_failed, "recovery key is too long");
            }
            key.data()[written++] = static_cast<std::uint8_t>(buffer >> (bits - 8));
            bits -= 8;
        }
    }
    sodium_memzero(&buffer, sizeof buffer);
    if (written != key.size()) {
        throw Error(ErrorCode::auth_failed, "recovery key is too short");
    }
    return key;
}

SecretBytes recovery_wrapping_key(const SecretBytes& recovery) {
    return derive_subkey(recovery, 1, "sbxrecov");
}

SecretBytes keypair_wrapping_key(const SecretBytes& master) {
    return derive_subkey(master, 2, "sbxkeypr");
}

UnlockedKeys unlock_master(const WrappedAccountKeys& keys, SecretBytes master,
                           std::string_view account_id) {
    UnlockedKeys unlocked;
    unlocked.secret_key = open_secret(keypair_wrapping_key(master), keys.secret_key_by_master,
                                      context("secret-key", account_id));
    unlocked.master = std::move(master);
    unlocked.public_key = keys.public_key;
    return unlocked;
}

}  // namespace

SecretBytes UnlockedKeys::mailbox_database_key() const { return derive_subkey(master, 1, "sbxmbox_"); }

NewAccountKeys create_account_keys(std::string_view password, const PasswordHashParams& params,
                                   std::string_view account_id) {
    NewAccountKeys result;
    WrappedAccountKeys& w = result.wrapped;
    SecretBytes master = SecretBytes::random(kKeyBytes);
    SecretBytes recovery = SecretBytes::random(kKeyBytes);

    w.password_salt.resize(crypto_pwhash_SALTBYTES);
    randombytes_buf(w.password_salt.data(), w.password_salt.size());
    w.password_params = params;
    w.master_by_password = seal(password_key(password, w.password_salt, params), master.bytes(),
                                context("master/password", account_id));
    w.master_by_recovery = seal(recovery_wrapping_key(recovery), master.bytes(),
                                context("master/recovery", account_id));

    w.public_key.resize(crypto_box_PUBLICKEYBYTES);
    SecretBytes secret_key(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(w.public_key.data(), secret_key.data());
    w.secret_key_by_master = seal(keypair_wrapping_key(master), secret_key.bytes(),
                                  context("secret-key", account_id));

    result.recovery_key = encode_recovery_key(recovery);
    return result;
}

UnlockedKeys unlock_with_password(const WrappedAccountKeys& keys, std::string_view password,
                                  std::string_view account_id) {
    SecretBytes master =
        open_secret(password_key(password, keys.password_salt, keys.password_params),
                    keys.master_by_password, context("master/password", account_id));
    return unlock_master(keys, std::move(master), account_id);
}

UnlockedKeys unlock_with_recovery_key(const WrappedAccountKeys& keys, std::string_view recovery_key,
                                      std::string_view account_id) {
    SecretBytes master = open_secret(recovery_wrapping_key(decode_recovery_key(recovery_key)),
                                     keys.master_by_recovery, context("master/recovery", account_id));
    return unlock_master(keys, std::move(master), account_id);
}

void rewrap_for_password(WrappedAccountKeys& keys, const UnlockedKeys& unlocked,
                         std::string_view new_password, const PasswordHashParams& params,
                         std::string_view account_id) {
    std::vector<std::uint8_t> salt(crypto_pwhash_SALTBYTES);
    randombytes_buf(salt.data(), salt.size());
    keys.master_by_password = seal(password_key(new_password, salt, params), unlocked.master.bytes(),
                                   context("master/password", account_id));
    keys.password_salt = std::move(salt);
    keys.password_params = params;
}

void spend_password_time(std::string_view password, const PasswordHashParams& params) {
    static const std::array<std::uint8_t, crypto_pwhash_SALTBYTES> fixed_salt{};
    (void)password_key(password, fixed_salt, params);
}

std::string new_account_id() {
    std::array<std::uint8_t, 16> id;
    randombytes_buf(id.data(), id.size());
    std::string hex(id.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), id.data(), id.size());
    hex.pop_back();
    return hex;
}

}  // namespace sealbox::crypto

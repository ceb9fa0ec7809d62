#include "crypto/aead.h"

#include <sodium.h>

#include <cstring>

#include "core/error.h"

namespace sealbox::crypto {
namespace {

constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr std::size_t kSealedKey = crypto_box_SEALBYTES + kKeyBytes;

const unsigned char* ad_bytes(std::string_view context) {
    return reinterpret_cast<const unsigned char*>(context.data());
}

void check_key(const SecretBytes& key) {
    if (key.size() != kKeyBytes) {
        throw Error(ErrorCode::internal, "encryption key has the wrong length");
    }
}

// Decrypts into `out`, which must hold sealed.size() - kNonce - kTag bytes.
void open_into(const SecretBytes& key, std::span<const std::uint8_t> sealed,
               std::string_view context, std::uint8_t* out) {
    check_key(key);
    if (sealed.size() < kNonce + kTag) {
        throw Error(ErrorCode::auth_failed, "sealed data is truncated");
    }
    unsigned long long out_len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out, &out_len, nullptr, sealed.data() + kNonce, sealed.size() - kNonce, ad_bytes(context),
            context.size(), sealed.data(), key.data()) != 0) {
        throw Error(ErrorCode::auth_failed, "authentication failed");
    }
}

}  // namespace

std::vector<std::uint8_t> seal(const SecretBytes& key, std::span<const std::uint8_t> plaintext,
                               std::string_view context) {
    check_key(key);
    std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
    randombytes_buf(out.data(), kNonce);
    unsigned long long out_len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &out_len, plaintext.data(),
                                               plaintext.size(), ad_bytes(context), context.size(),
                                               nullptr, out.data(), key.data());
    return out;
}

std::vector<std::uint8_t> open(const SecretBytes& key, std::span<const std::uint8_t> sealed,
                               std::string_view context) {
    std::vector<std::uint8_t> out(sealed.size() >= kNonce + kTag ? sealed.size() - kNonce - kTag
                                                                  : 0);
    open_into(key, sealed, context, out.data());
    return out;
}

SecretBytes open_secret(const SecretBytes& key, std::span<const std::uint8_t> sealed,
                        std::string_view context) {
    SecretBytes out(sealed.size() >= kNonce + kTag ? sealed.size() - kNonce - kTag : 0);
    open_into(key, sealed, context, out.data());
    return out;
}

std::vector<std::uint8_t> seal_to_public_key(std::span<const std::uint8_t> public_key,
                                             std::span<const std::uint8_t> plaintext,
                                             std::string_view context) {
    if (public_key.size() != crypto_box_PUBLICKEYBYTES) {
        throw Error(ErrorCode::internal, "public key has the wrong length");
    }
    SecretBytes message_key = SecretBytes::random(kKeyBytes);
    std::vector<std::uint8_t> body = seal(message_key, plaintext, context);
    std::vector<std::uint8_t> out(kSealedKey + body.size());
    crypto_box_seal(out.data(), message_key.data(), message_key.size(), public_key.data());
    std::memcpy(out.data() + kSealedKey, body.data(), body.size());
    return out;
}

std::vector<std::uint8_t> open_from_public_key(std::span<const std::uint8_t> public_key,
                                               const SecretBytes& secret_key,
                                               std::span<const std::uint8_t> sealed,
                                               std::string_view context) {
    if (public_key.size() != crypto_box_PUBLICKEYBYTES ||
        secret_key.size() != crypto_box_SECRETKEYBYTES) {
        throw Error(ErrorCode::internal, "key pair has the wrong length");
    }
    if (sealed.size() < kSealedKey) {
        throw Error(ErrorCode::auth_failed, "sealed message is truncated");
    }
    SecretBytes message_key(kKeyBytes);
    if (crypto_box_seal_open(message_key.data(), sealed.data(), kSealedKey, public_key.data(),
                             secret_key.data()) != 0) {
        throw Error(ErrorCode::auth_failed, "sealed message key failed authentication");
    }
    return open(message_key, sealed.subspan(kSealedKey), context);
}

SecretBytes derive_subkey(const SecretBytes& key, std::uint64_t id, const char (&purpose)[9]) {
    check_key(key);
    SecretBytes out(kKeyBytes);
    crypto_kdf_derive_from_key(out.data(), out.size(), id, purpose, key.data());
    return out;
}

}  // namespace sealbox::crypto

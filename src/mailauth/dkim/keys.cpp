#include "mailauth/dkim/keys.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <cstring>
#include <map>
#include <mutex>

#include "core/base64.h"
#include "core/error.h"

namespace sealbox::mailauth::dkim {

namespace {

struct PkeyCtxFree {
    void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

// RFC 6376 §3.3.1: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) with SHA-256, given the digest.
bool set_rsa_sha256(EVP_PKEY_CTX* ctx) {
    return EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) > 0 &&
           EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) > 0;
}

[[noreturn]] void invalid(const char* what) {
    throw Error(ErrorCode::invalid_argument, what);
}

std::shared_ptr<EVP_PKEY> decode_rsa_key(std::string_view key) {
    const auto* der = reinterpret_cast<const unsigned char*>(key.data());
    auto length = static_cast<long>(key.size());
    EVP_PKEY* rsa = d2i_PUBKEY(nullptr, &der, length);
    if (rsa == nullptr) {
        der = reinterpret_cast<const unsigned char*>(key.data());
        rsa = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &der, length);
    }
    if (rsa == nullptr || !EVP_PKEY_is_a(rsa, "RSA")) {
        EVP_PKEY_free(rsa);
        return nullptr;
    }
    return {rsa, EVP_PKEY_free};
}

// OpenSSL 3 decodes a public key through its decoder framework, which costs several times the
// RSA verification itself, and a verifier meets the same few keys over and over (every message
// of a domain): decoded keys are kept, by their DER bytes. An EVP_PKEY is only read once made,
// which OpenSSL allows from several threads. Past kMaxKeys (keys anyone can publish) the cache
// starts over rather than grow.
std::shared_ptr<EVP_PKEY> decoded_rsa_key(std::string_view key) {
    constexpr std::size_t kMaxKeys = 1024;
    static std::mutex mutex;
    static std::map<std::string, std::shared_ptr<EVP_PKEY>, std::less<>> keys;
    {
        std::lock_guard lock(mutex);
        if (auto found = keys.find(key); found != keys.end()) {
            return found->second;
        }
    }
    auto decoded = decode_rsa_key(key);
    if (decoded) {
        std::lock_guard lock(mutex);
        if (keys.size() >= kMaxKeys) {
            keys.clear();
        }
        keys.emplace(std::string(key), decoded);
    }
    return decoded;
}

}  // namespace

std::optional<PublicKey> PublicKey::from_record(KeyType type, std::string_view key,
                                                std::string& error) {
    PublicKey out;
    out.type_ = type;
    if (type == KeyType::ed25519) {
        if (key.size() != out.ed25519_.size()) {
            error = "Ed25519 key is not 32 bytes";
            return std::nullopt;
        }
        std::memcpy(out.ed25519_.data(), key.data(), key.size());
        return out;
    }
    out.rsa_ = decoded_rsa_key(key);
    if (!out.rsa_) {
        error = "p= is not an RSA public key";
        return std::nullopt;
    }
    return out;
}

unsigned PublicKey::bits() const {
    return type_ == KeyType::rsa ? static_cast<unsigned>(EVP_PKEY_get_bits(rsa_.get())) : 256;
}

bool PublicKey::verify(const Sha256& digest, std::string_view signature) const {
    const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
    if (type_ == KeyType::ed25519) {
        return signature.size() == crypto_sign_BYTES &&
               crypto_sign_verify_detached(sig, digest.data(), digest.size(), ed25519_.data()) == 0;
    }
    PkeyCtx ctx(EVP_PKEY_CTX_new(rsa_.get(), nullptr));
    return ctx && EVP_PKEY_verify_init(ctx.get()) > 0 && set_rsa_sha256(ctx.get()) &&
           EVP_PKEY_verify(ctx.get(), sig, signature.size(), digest.data(), digest.size()) == 1;
}

SigningKey SigningKey::generate(KeyType type) {
    if (type == KeyType::ed25519) {
        auto seed = crypto::SecretBytes::random(crypto_sign_SEEDBYTES);
        return from_private_key(type, seed.bytes());
    }
    SigningKey key;
    key.type_ = type;
    key.rsa_.reset(EVP_RSA_gen(2048));  // RFC 8301 §3.2: at least 2048 bits for signers
    if (!key.rsa_) {
        throw Error(ErrorCode::internal, "RSA key generation failed");
    }
    return key;
}

SigningKey SigningKey::from_private_key(KeyType type, std::span<const std::uint8_t> bytes) {
    SigningKey key;
    key.type_ = type;
    if (type == KeyType::ed25519) {
        if (bytes.size() != crypto_sign_SEEDBYTES) {
            invalid("an Ed25519 seed is 32 bytes");
        }
        std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key;
        key.ed25519_ = crypto::SecretBytes(crypto_sign_SECRETKEYBYTES);
        crypto_sign_seed_keypair(public_key.data(), key.ed25519_.data(), bytes.data());
        return key;
    }
    std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    EVP_PKEY* rsa = nullptr;
    if (text.starts_with("-----BEGIN")) {
        Bio bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
        rsa = bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    } else {
        const auto* der = bytes.data();
        rsa = d2i_AutoPrivateKey(nullptr, &der, static_cast<long>(bytes.size()));
    }
    key.rsa_.reset(rsa);
    if (!key.rsa_ || !EVP_PKEY_is_a(rsa, "RSA")) {
        invalid("not an RSA private key");
    }
    return key;
}

crypto::SecretBytes SigningKey::private_key() const {
    if (type_ == KeyType::ed25519) {
        return crypto::SecretBytes::copy_of(ed25519_.bytes().first(crypto_sign_SEEDBYTES));
    }
    Bio bio(BIO_new(BIO_s_secmem()));
    if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), rsa_.get(), nullptr, nullptr, 0, nullptr,
                                              nullptr) != 1) {
        throw Error(ErrorCode::internal, "cannot encode the RSA private key");
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return crypto::SecretBytes::copy_of(
        {reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)});
}

std::string SigningKey::public_key() const {
    if (type_ == KeyType::ed25519) {
        // libsodium's secret key is the seed followed by the public key.
        auto pk = ed25519_.bytes().subspan(crypto_sign_SEEDBYTES);
        return {reinterpret_cast<const char*>(pk.data()), pk.size()};
    }
    int size = i2d_PUBKEY(rsa_.get(), nullptr);
    if (size <= 0) {
        throw Error(ErrorCode::internal, "cannot encode the RSA public key");
    }
    std::string der(static_cast<std::size_t>(size), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    i2d_PUBKEY(rsa_.get(), &out);
    return der;
}

std::string SigningKey::key_record() const {
    return std::string("v=DKIM1; k=") + (type_ == KeyType::rsa ? "rsa" : "ed25519") +
           "; p=" + base64_encode(public_key());
}

std::string SigningKey::sign(const Sha256& digest) const {
    if (type_ == KeyType::ed25519) {
        std::string signature(crypto_sign_BYTES, '\0');
        crypto_sign_detached(reinterpret_cast<unsigned char*>(signature.data()), nullptr,
                             digest.data(), digest.size(), ed25519_.data());
        return signature;
    }
    PkeyCtx ctx(EVP_PKEY_CTX_new(rsa_.get(), nullptr));
    std::size_t size = 0;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) <= 0 || !set_rsa_sha256(ctx.get()) ||
        EVP_PKEY_sign(ctx.get(), nullptr, &size, digest.data(), digest.size()) <= 0) {
        throw Error(ErrorCode::internal, "RSA signing failed");
    }
    std::string signature(size, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                      digest.data(), digest.size()) <= 0) {
        throw Error(ErrorCode::internal, "RSA signing failed");
    }
    signature.resize(size);
    return signature;
}

}  // namespace sealbox::mailauth::dkim

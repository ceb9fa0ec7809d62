#pragma once
// Keys, files and hand-made signatures shared by the DKIM tests.

#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/base64.h"
#include "mailauth/dkim/canonicalization.h"
#include "mailauth/dkim/keys.h"
#include "mailauth/dkim/message.h"
#include "mailauth/dkim/sign.h"

namespace sealbox::mailauth::dkim::testing {

inline const SigningKey& rsa_key() {
    static SigningKey key = SigningKey::generate(KeyType::rsa);
    return key;
}

inline const SigningKey& ed25519_key() {
    static SigningKey key = SigningKey::generate(KeyType::ed25519);
    return key;
}

inline SigningKey from_text(KeyType type, const std::string& text) {
    return SigningKey::from_private_key(
        type, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

// An RSA key of any size, even one too small to be accepted.
inline SigningKey rsa_key_of(unsigned bits) {
    EVP_PKEY* key = EVP_RSA_gen(bits);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return from_text(KeyType::rsa, pem);
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::string shared_file(const std::string& name) {
    return read_file(std::string(SEALBOX_SHARED_DIR) + "/conformance/dkim/" + name);
}

inline constexpr std::string_view sample_message =
    "From: Joe SixPack <joe@example.org>\r\n"
    "To: Suzie Q <suzie@example.net>\r\n"
    "Subject: Is dinner ready?\r\n"
    "Date: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
    "Message-ID: <20030712040037.46341.5F8J@example.org>\r\n"
    "\r\n"
    "Hi.\r\n"
    "\r\n"
    "We lost the game.  Are you hungry yet?\r\n"
    "\r\n"
    "Joe.\r\n";

// A signature made with chosen tags, for cases sign() never produces (l=, x=, i=, rsa-sha1,
// simple canonicalization...). bh= and b= are computed; the field is prepended to `raw`.
struct Spec {
    std::string a = "rsa-sha256";
    Canonicalization c{Canon::relaxed, Canon::relaxed};
    std::string d = "example.org";
    std::string s = "sel";
    std::vector<std::string> h = {"from", "to", "subject", "from"};
    std::vector<std::pair<std::string, std::string>> extra;
    std::optional<std::uint64_t> l;
};

inline std::string signed_message(std::string_view raw, const SigningKey& key, const Spec& spec) {
    auto message = parse_message(raw);
    auto name = [](Canon c) { return c == Canon::simple ? "simple" : "relaxed"; };
    auto body = hash_body(message.body, spec.c.body, spec.l);
    std::string h;
    for (const auto& n : spec.h) {
        h += (h.empty() ? "" : ":") + n;
    }
    std::vector<std::pair<std::string, std::string>> tags = {
        {"v", "1"},
        {"a", spec.a},
        {"c", std::string(name(spec.c.header)) + "/" + name(spec.c.body)},
        {"d", spec.d},
        {"s", spec.s},
        {"h", h}};
    tags.insert(tags.end(), spec.extra.begin(), spec.extra.end());
    if (spec.l) {
        tags.emplace_back("l", std::to_string(*spec.l));
    }
    tags.emplace_back("bh", base64_encode({reinterpret_cast<const char*>(body.digest.data()),
                                           body.digest.size()}));
    return write_signed_field("DKIM-Signature", tags, select_headers(message.headers, spec.h),
                              spec.c.header, key) +
           std::string(raw);
}

}  // namespace sealbox::mailauth::dkim::testing

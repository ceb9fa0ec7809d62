#include "net/credentials.h"

#include <openssl/crypto.h>

namespace sealbox::net {

Credentials::~Credentials() {
    OPENSSL_cleanse(user.data(), user.size());
    OPENSSL_cleanse(password.data(), password.size());
}

std::string loggable_user(std::string_view user) {
    constexpr std::size_t kMax = 128;
    std::string out;
    for (char c : user.substr(0, kMax)) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? '?'
                                            : static_cast<char>(u >= 'A' && u <= 'Z' ? u + 32 : u));
    }
    return out;
}

}  // namespace sealbox::net

#include "server/demo_account.h"

#include <sodium.h>

#include <iostream>

#include "crypto/secret.h"

namespace sealbox::server {
namespace {

// Unambiguous characters only: the password is read off a terminal and typed into a client.
constexpr char kAlphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";
constexpr std::size_t kPasswordLength = 20;

}  // namespace

void ensure_demo_account(const Config& config, store::MailStore& store) {
    if (!config.demo.enabled) {
        return;
    }
    std::string address = config.demo.account + "@" + config.demo.domain;
    if (!store.directory().find_domain(config.demo.domain)) {
        store.add_domain(config.demo.domain);
    }
    if (store.directory().find_account(address)) {
        return;
    }
    crypto::SecretBytes password(kPasswordLength);
    for (std::size_t i = 0; i < kPasswordLength; ++i) {
        password.data()[i] =
            static_cast<std::uint8_t>(kAlphabet[randombytes_uniform(sizeof kAlphabet - 1)]);
    }
    std::string_view view(reinterpret_cast<const char*>(password.data()), password.size());
    std::string recovery = store.create_account(address, view);
    std::cout << "Demo account created (shown once, keep it now):\n"
              << "  address:      " << address << '\n'
              << "  password:     " << view << '\n'
              << "  recovery key: " << recovery << '\n'
              << std::flush;
}

}  // namespace sealbox::server

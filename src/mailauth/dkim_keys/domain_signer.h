#pragma once
// DKIM signing with a domain's stored keys: what submission and the report sender use.

#include <cstdint>
#include <string>
#include <string_view>

#include "mailauth/dkim_keys/key_store.h"

namespace sealbox::mailauth::dkim_keys {

// The DKIM-Signature fields to prepend to `message`, one per active key of `domain`: an RSA and an
// Ed25519 signature side by side (RFC 8463 §1), so that verifiers that know only RSA still pass.
// Empty when the domain has no keys. Throws Error(invalid_argument) when the message has no
// From field (RFC 6376 §5.4). Blocking (SQLite): call it on the worker pool.
std::string sign_for_domain(KeyStore& keys, std::string_view message, std::string_view domain,
                            std::int64_t now);

}  // namespace sealbox::mailauth::dkim_keys

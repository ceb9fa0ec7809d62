#pragma once
// Random identifiers: MIME boundaries, Message-IDs, queue and report ids, which must neither
// collide nor be guessed.

#include <cstddef>
#include <string>

namespace sealbox::crypto {

// `bytes` random octets (libsodium's CSPRNG) in lower-case hexadecimal.
std::string random_hex(std::size_t bytes);

}  // namespace sealbox::crypto

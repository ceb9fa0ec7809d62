#pragma once
// The server's own secret: what encrypts data that belongs to no account (the outbound queue,
// later the DKIM private keys). It sits in a file of its own, mode 0600, so an administrator can
// keep it apart from the data directory (another disk, a tmpfs filled at boot); whoever holds
// both can read the queue, which is why the queue holds mail only until it is sent.

#include <filesystem>

#include "crypto/secret.h"

namespace sealbox::crypto {

inline constexpr std::size_t kServerKeyBytes = 32;

// Reads the key, or creates it (random, written durably with mode 0600) when `create` is true
// and the file does not exist. Throws Error(config) for a file of the wrong size or mode.
SecretBytes load_server_key(const std::filesystem::path& path, bool create);

}  // namespace sealbox::crypto

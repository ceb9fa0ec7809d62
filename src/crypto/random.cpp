#include "crypto/random.h"

#include <sodium.h>

#include <vector>

namespace sealbox::crypto {

std::string random_hex(std::size_t bytes) {
    std::vector<unsigned char> random(bytes);
    randombytes_buf(random.data(), random.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
    hex.pop_back();  // the terminating NUL sodium_bin2hex writes
    return hex;
}

}  // namespace sealbox::crypto

#include "crypto/secret.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace sealbox::crypto {

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
    if (size == 0) {
        return;
    }
    if (sodium_init() < 0) {
        throw std::bad_alloc();
    }
    data_ = static_cast<std::uint8_t*>(sodium_malloc(size));
    if (data_ == nullptr) {
        throw std::bad_alloc();
    }
    sodium_memzero(data_, size);
}

SecretBytes SecretBytes::random(std::size_t size) {
    SecretBytes s(size);
    randombytes_buf(s.data_, size);
    return s;
}

SecretBytes SecretBytes::copy_of(std::span<const std::uint8_t> bytes) {
    SecretBytes s(bytes.size());
    if (!bytes.empty()) {
        std::memcpy(s.data_, bytes.data(), bytes.size());
    }
    return s;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        sodium_free(data_);  // sodium_free zeroes before unmapping
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

SecretBytes::~SecretBytes() { sodium_free(data_); }

bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace sealbox::crypto

#pragma once
// Key material lives only in sodium_malloc memory: guarded pages, mlock'ed, zeroed when freed.

#include <cstddef>
#include <cstdint>
#include <span>

namespace sealbox::crypto {

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size);  // zero-filled; throws std::bad_alloc
    static SecretBytes random(std::size_t size);
    static SecretBytes copy_of(std::span<const std::uint8_t> bytes);

    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes();

    std::uint8_t* data() noexcept { return data_; }
    const std::uint8_t* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::span<const std::uint8_t> bytes() const noexcept { return {data_, size_}; }
    std::span<std::uint8_t> mutable_bytes() noexcept { return {data_, size_}; }

private:
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

// Constant-time comparison of equal-length byte strings.
bool equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

}  // namespace sealbox::crypto

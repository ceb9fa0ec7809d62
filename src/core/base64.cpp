#include "core/base64.h"

#include <sodium.h>

#include <algorithm>

namespace sealbox {

std::string base64_encode(std::string_view raw) {
    std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                      raw.size(), sodium_base64_VARIANT_ORIGINAL);
    out.pop_back();  // the terminating NUL libsodium writes
    return out;
}

namespace {

bool in_alphabet(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
    // Debian's libsodium 1.0.18 decodes some bytes above 0x7f as if they were letters of the
    // alphabet (found by fuzz/smtp_from_field_fuzz), so the alphabet is checked here first.
    if (!std::ranges::all_of(text, in_alphabet)) {
        return std::nullopt;
    }
    std::string out(text.size() / 4 * 3 + 3, '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &length, &end,
                          sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != text.data() + text.size()) {
        sodium_memzero(out.data(), out.size());
        return std::nullopt;
    }
    out.resize(length);
    return out;
}

}  // namespace sealbox

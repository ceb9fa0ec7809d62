#pragma once
// ASCII case folding for protocol text: domain names, tags, keywords and selectors compare
// without regard to ASCII case (RFC 4343 §2, RFC 5321 §2.4). Octets above 0x7f are left as they
// are, whatever the C locale says.

#include <string>
#include <string_view>

namespace sealbox {

inline char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string ascii_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = ascii_lower(c);
    }
    return out;
}

}  // namespace sealbox

#include "smtp/proto/xtext.h"

namespace sealbox::smtp {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

// RFC 3461 §4: xchar = any ASCII CHAR between "!" (33) and "~" (126) inclusive, except "+", "=".
bool is_xchar(unsigned char c) {
    return c >= 33 && c <= 126 && c != '+' && c != '=';
}

}  // namespace

std::string xtext_encode(std::string_view raw) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(raw.size());
    for (char ch : raw) {
        auto c = static_cast<unsigned char>(ch);
        if (is_xchar(c)) {
            out.push_back(ch);
        } else {
            out.push_back('+');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        }
    }
    return out;
}

std::optional<std::string> xtext_decode(std::string_view xtext) {
    std::string out;
    out.reserve(xtext.size());
    for (std::size_t i = 0; i < xtext.size(); ++i) {
        auto c = static_cast<unsigned char>(xtext[i]);
        if (c == '+') {
            if (xtext.size() - i < 3) {
                return std::nullopt;
            }
            int hi = hex_value(xtext[i + 1]);
            int lo = hex_value(xtext[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (is_xchar(c)) {
            out.push_back(static_cast<char>(c));
        } else {
            return std::nullopt;
        }
    }
    return out;
}

}  // namespace sealbox::smtp

#include "imap/proto/mailbox_name.h"

#include <cstdint>
#include <vector>

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

// RFC 3501 §5.1.3: RFC 2152's base64 with "," in place of "/".
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

int base64_value(char c) {
    std::size_t i = kAlphabet.find(c);
    return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

bool printable_ascii(std::uint32_t c) {
    return c >= 0x20 && c <= 0x7e;
}

// Decodes one code point; false on malformed, overlong or surrogate sequences.
bool next_code_point(std::string_view text, std::size_t& i, std::uint32_t& out) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    std::size_t extra;
    std::uint32_t min;
    if (c < 0x80) {
        out = c;
        ++i;
        return true;
    } else if ((c & 0xE0) == 0xC0) {
        extra = 1, min = 0x80, out = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        extra = 2, min = 0x800, out = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        extra = 3, min = 0x10000, out = c & 0x07;
    } else {
        return false;
    }
    if (i + extra >= text.size()) {
        return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
        unsigned char cc = static_cast<unsigned char>(text[i + k]);
        if ((cc & 0xC0) != 0x80) {
            return false;
        }
        out = (out << 6) | (cc & 0x3F);
    }
    if (out < min || out > 0x10FFFF || (out >= 0xD800 && out <= 0xDFFF)) {
        return false;
    }
    i += extra + 1;
    return true;
}

void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

void flush_utf16(std::string& out, std::vector<std::uint16_t>& units) {
    if (units.empty()) {
        return;
    }
    out += '&';
    std::uint32_t bits = 0;
    int count = 0;
    for (std::uint16_t u : units) {
        bits = (bits << 16) | u;
        count += 16;
        while (count >= 6) {
            count -= 6;
            out += kAlphabet[(bits >> count) & 0x3F];
        }
        bits &= (1u << count) - 1;
    }
    if (count > 0) {
        out += kAlphabet[(bits << (6 - count)) & 0x3F];
    }
    out += '-';
    units.clear();
}

}  // namespace

bool valid_utf8(std::string_view text) {
    std::uint32_t c;
    for (std::size_t i = 0; i < text.size();) {
        if (!next_code_point(text, i, c)) {
            return false;
        }
    }
    return true;
}

std::string mutf7_encode(std::string_view utf8) {
    std::string out;
    std::vector<std::uint16_t> units;
    std::uint32_t c;
    for (std::size_t i = 0; i < utf8.size();) {
        if (!next_code_point(utf8, i, c)) {
            c = 0xFFFD;  // invalid input is a caller bug; keep the output well-formed anyway
            ++i;
        }
        if (printable_ascii(c)) {
            flush_utf16(out, units);
            out += c == '&' ? std::string("&-") : std::string(1, static_cast<char>(c));
        } else if (c >= 0x10000) {
            c -= 0x10000;
            units.push_back(static_cast<std::uint16_t>(0xD800 | (c >> 10)));
            units.push_back(static_cast<std::uint16_t>(0xDC00 | (c & 0x3FF)));
        } else {
            units.push_back(static_cast<std::uint16_t>(c));
        }
    }
    flush_utf16(out, units);
    return out;
}

std::optional<std::string> mutf7_decode(std::string_view wire) {
    std::string out;
    bool previous_was_encoded = false;
    for (std::size_t i = 0; i < wire.size();) {
        char c = wire[i];
        if (!printable_ascii(static_cast<unsigned char>(c))) {
            return std::nullopt;
        }
        if (c != '&') {
            out += c;
            ++i;
            previous_was_encoded = false;
            continue;
        }
        std::size_t end = wire.find('-', i + 1);
        if (end == std::string_view::npos) {
            return std::nullopt;
        }
        if (end == i + 1) {  // "&-" is "&"
            out += '&';
            i = end + 1;
            previous_was_encoded = false;
            continue;
        }
        // §5.1.3: adjacent encoded runs must be one run.
        if (previous_was_encoded) {
            return std::nullopt;
        }
        std::uint32_t bits = 0;
        int count = 0;
        std::uint32_t high = 0;  // a pending high surrogate
        for (std::size_t k = i + 1; k < end; ++k) {
            int v = base64_value(wire[k]);
            if (v < 0) {
                return std::nullopt;
            }
            bits = (bits << 6) | static_cast<std::uint32_t>(v);
            count += 6;
            if (count < 16) {
                continue;
            }
            count -= 16;
            std::uint32_t unit = (bits >> count) & 0xFFFF;
            bits &= (1u << count) - 1;
            if (high != 0) {
                if (unit < 0xDC00 || unit > 0xDFFF) {
                    return std::nullopt;
                }
                append_utf8(out, 0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00));
                high = 0;
            } else if (unit >= 0xD800 && unit <= 0xDBFF) {
                high = unit;
            } else if ((unit >= 0xDC00 && unit <= 0xDFFF) || printable_ascii(unit)) {
                return std::nullopt;
            } else {
                append_utf8(out, unit);
            }
        }
        if (high != 0 || count >= 6 || bits != 0) {
            return std::nullopt;
        }
        i = end + 1;
        previous_was_encoded = true;
    }
    return out;
}

std::optional<std::string> mailbox_from_wire(std::string_view wire, bool utf8_mode) {
    std::optional<std::string> name;
    if (utf8_mode) {
        if (valid_utf8(wire)) {
            name = std::string(wire);
        }
    } else {
        name = mutf7_decode(wire);
    }
    if (name && chars::iequals(*name, "INBOX")) {
        *name = "INBOX";
    }
    return name;
}

std::string mailbox_to_wire(std::string_view name, bool utf8_mode) {
    return utf8_mode ? std::string(name) : mutf7_encode(name);
}

}  // namespace sealbox::imap

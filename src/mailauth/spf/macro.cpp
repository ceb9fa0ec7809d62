#include "mailauth/spf/macro.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sealbox::mailauth::spf {
namespace {

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// §12 macro-letter, and §7.1: c, r and t only in explanation text.
bool allowed_letter(char letter, MacroUse use) {
    switch (lower(letter)) {
        case 's':
        case 'l':
        case 'o':
        case 'd':
        case 'i':
        case 'p':
        case 'h':
        case 'v':
            return true;
        case 'c':
        case 'r':
        case 't':
            return use != MacroUse::domain_spec;
        default:
            return false;
    }
}

// §12 delimiter.
bool is_delimiter(char c) {
    return std::string_view(".-+,/_=").find(c) != std::string_view::npos;
}

// §7.3: IPv6 "i" is the 32 nibbles, dot-separated. Written in upper case, as the public test
// suite expects in explanations; DNS names compare without case, so queries are unaffected.
std::string dotted_ip(const boost::asio::ip::address& ip) {
    if (ip.is_v4()) {
        return ip.to_string();
    }
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (auto byte : ip.to_v6().to_bytes()) {
        out += hex[byte >> 4];
        out += '.';
        out += hex[byte & 0xf];
        out += '.';
    }
    out.pop_back();
    return out;
}

std::string letter_value(char letter, const MacroContext& c) {
    switch (lower(letter)) {
        case 's':
            return c.sender;
        case 'l':
            return c.local_part;
        case 'o':
            return c.sender_domain;
        case 'd':
            return c.domain;
        case 'i':
            return dotted_ip(c.ip);
        case 'p':
            return c.validated_name;
        case 'h':
            return c.helo;
        case 'v':
            return c.ip.is_v4() ? "in-addr" : "ip6";
        case 'c':
            return c.ip.to_string();  // RFC 5952 form for IPv6
        case 'r':
            return c.receiver;
        default:  // 't', the only other letter allowed_letter() lets through
            return std::to_string(c.timestamp);
    }
}

// §7.3: split on the delimiters, reverse if asked, keep the right-hand `parts` (0: all), join
// with dots.
std::string transform(const std::string& value, std::string_view delimiters, std::size_t parts,
                      bool reverse) {
    if (delimiters.empty()) {
        delimiters = ".";
    }
    std::vector<std::string> pieces(1);
    for (char ch : value) {
        if (delimiters.find(ch) != std::string_view::npos) {
            pieces.emplace_back();
        } else {
            pieces.back() += ch;
        }
    }
    if (reverse) {
        std::reverse(pieces.begin(), pieces.end());
    }
    std::size_t first = parts == 0 || parts >= pieces.size() ? 0 : pieces.size() - parts;
    std::string out;
    for (std::size_t i = first; i < pieces.size(); ++i) {
        if (i != first) {
            out += '.';
        }
        out += pieces[i];
    }
    return out;
}

// §7.3: uppercase macro letters are URL-escaped; RFC 3986 §2.3 unreserved characters stay.
std::string url_escape(const std::string& value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : value) {
        if (is_alpha(static_cast<char>(ch)) || is_digit(static_cast<char>(ch)) || ch == '-' ||
            ch == '.' || ch == '_' || ch == '~') {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += hex[ch >> 4];
            out += hex[ch & 0xf];
        }
    }
    return out;
}

// Walks a macro-string (§12), expanding into `out` when `context` is given. `literal_tail`
// receives the literal text after the last macro-expand, for is_domain_spec().
bool walk(std::string_view text, MacroUse use, const MacroContext* context, std::string* out,
          std::string* literal_tail = nullptr) {
    std::string tail;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char ch = text[i];
        if (ch != '%') {
            // macro-literal = %x21-24 / %x26-7E; explain-string also allows SP.
            bool space_ok = use == MacroUse::explanation && ch == ' ';
            if ((ch < 0x21 || ch > 0x7e) && !space_ok) {
                return false;
            }
            tail += ch;
            if (out) {
                *out += ch;
            }
            continue;
        }
        if (++i == text.size()) {
            return false;
        }
        tail.clear();
        switch (text[i]) {
            case '%':
                if (out) {
                    *out += '%';
                }
                continue;
            case '_':
                if (out) {
                    *out += ' ';
                }
                continue;
            case '-':
                if (out) {
                    *out += "%20";
                }
                continue;
            case '{':
                break;
            default:
                return false;
        }
        // "%{" macro-letter transformers *delimiter "}"
        if (++i == text.size() || !allowed_letter(text[i], use)) {
            return false;
        }
        char letter = text[i++];
        std::size_t parts = 0;
        bool has_digits = false;
        for (; i < text.size() && is_digit(text[i]); ++i) {
            has_digits = true;
            // More parts than any name has means all of them; stop counting there.
            parts =
                std::min<std::size_t>(parts * 10 + static_cast<std::size_t>(text[i] - '0'), 1000);
        }
        if (has_digits && parts == 0) {
            return false;  // §7.3: "If a DIGIT is specified, the value MUST be nonzero."
        }
        bool reverse = i < text.size() && lower(text[i]) == 'r';
        if (reverse) {
            ++i;
        }
        std::size_t delimiters_start = i;
        for (; i < text.size() && is_delimiter(text[i]); ++i) {
        }
        if (i == text.size() || text[i] != '}') {
            return false;
        }
        if (context && out) {
            std::string value =
                transform(letter_value(letter, *context),
                          text.substr(delimiters_start, i - delimiters_start), parts, reverse);
            *out += std::isupper(static_cast<unsigned char>(letter)) ? url_escape(value) : value;
        }
    }
    if (literal_tail) {
        *literal_tail = std::move(tail);
    }
    return true;
}

// §12 toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )
bool is_toplabel(std::string_view label) {
    if (label.empty() || label.front() == '-' || label.back() == '-') {
        return false;
    }
    bool alpha_or_dash = false;
    for (char ch : label) {
        if (is_alpha(ch) || ch == '-') {
            alpha_or_dash = true;
        } else if (!is_digit(ch)) {
            return false;
        }
    }
    return alpha_or_dash;
}

}  // namespace

bool is_macro_string(std::string_view text, MacroUse use) {
    return walk(text, use, nullptr, nullptr);
}

bool is_domain_spec(std::string_view text) {
    std::string tail;
    if (text.empty() || !walk(text, MacroUse::domain_spec, nullptr, nullptr, &tail)) {
        return false;
    }
    if (tail.empty()) {
        return true;  // domain-end = macro-expand
    }
    // domain-end = "." toplabel [ "." ]
    std::string_view end = tail;
    if (end.back() == '.') {
        end.remove_suffix(1);
    }
    auto dot = end.rfind('.');
    return dot != std::string_view::npos && is_toplabel(end.substr(dot + 1));
}

bool uses_validated_name(std::string_view text) {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        if (text[i] == '%' && text[i + 1] == '%') {
            ++i;  // an escaped percent, not the start of a macro
        } else if (text[i] == '%' && text[i + 1] == '{' && lower(text[i + 2]) == 'p') {
            return true;
        }
    }
    return false;
}

std::optional<std::string> expand(std::string_view text, const MacroContext& context,
                                  MacroUse use) {
    std::string out;
    if (!walk(text, use, &context, &out)) {
        return std::nullopt;
    }
    return out;
}

}  // namespace sealbox::mailauth::spf

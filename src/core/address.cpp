#include "core/address.h"

#include <algorithm>

#include "core/ascii.h"

namespace sealbox {
namespace {

constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 §4.5.3.1.1
constexpr std::size_t kMaxDomain = 255;    // RFC 5321 §4.5.3.1.2
constexpr std::size_t kMaxLabel = 63;

bool is_utf8_byte(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

// RFC 5322 §3.2.3 atext, plus UTF-8 (RFC 6531 §3.3).
bool is_atext(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        is_utf8_byte(c)) {
        return true;
    }
    return std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool valid_label(std::string_view label) {
    if (label.empty() || label.size() > kMaxLabel || label.front() == '-' || label.back() == '-') {
        return false;
    }
    return std::all_of(label.begin(), label.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || is_utf8_byte(c);
    });
}

}  // namespace

std::optional<std::string> normalize_domain(std::string_view domain) {
    if (!domain.empty() && domain.back() == '.') {
        domain.remove_suffix(1);
    }
    if (domain.empty() || domain.size() > kMaxDomain) {
        return std::nullopt;
    }
    std::string out = ascii_lower(domain);
    std::size_t start = 0;
    while (true) {
        std::size_t dot = out.find('.', start);
        std::string_view label = std::string_view(out).substr(
            start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!valid_label(label)) {
            return std::nullopt;
        }
        if (dot == std::string::npos) {
            break;
        }
        start = dot + 1;
    }
    return out;
}

std::optional<MailAddress> parse_address(std::string_view text) {
    std::size_t at = text.rfind('@');
    if (at == std::string_view::npos || at == 0) {
        return std::nullopt;
    }
    std::string_view local = text.substr(0, at);
    if (local.size() > kMaxLocalPart || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos ||
        !std::all_of(local.begin(), local.end(), [](char c) { return c == '.' || is_atext(c); })) {
        return std::nullopt;
    }
    auto domain = normalize_domain(text.substr(at + 1));
    if (!domain) {
        return std::nullopt;
    }
    return MailAddress{std::string(local), *domain};
}

std::string address_key(const MailAddress& address) {
    return ascii_lower(address.local_part) + "@" + address.domain;
}

}  // namespace sealbox

#include "mailauth/dkim/syntax.h"

#include <limits>

#include "core/base64.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

bool is_fws_char(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_labels(std::string_view text, bool allow_underscore) {
    if (text.empty() || text.size() > 253) {
        return false;
    }
    std::size_t at = 0;
    while (true) {
        auto dot = text.find('.', at);
        auto label = text.substr(at, dot == std::string_view::npos ? text.npos : dot - at);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (char c : label) {
            if (!smtp::chars::is_alnum(c) && c != '-' && !(allow_underscore && c == '_')) {
                return false;
            }
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        at = dot + 1;
    }
}

}  // namespace

bool is_domain_name(std::string_view text) {
    return is_labels(text, false);
}

bool is_selector(std::string_view text) {
    return is_labels(text, true);
}

bool is_same_or_subdomain(std::string_view name, std::string_view domain) {
    if (smtp::chars::iequals(name, domain)) {
        return true;
    }
    return name.size() > domain.size() &&
           smtp::chars::iequals(name.substr(name.size() - domain.size()), domain) &&
           name[name.size() - domain.size() - 1] == '.';
}

std::optional<std::string> decode_base64_value(std::string_view value) {
    std::string compact;
    compact.reserve(value.size());
    for (char c : value) {
        if (!is_fws_char(c)) {
            compact += c;
        }
    }
    return base64_decode(compact);
}

std::optional<std::uint64_t> parse_decimal(std::string_view text, std::size_t max_digits) {
    if (text.empty() || text.size() > max_digits) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    constexpr auto max = std::numeric_limits<std::uint64_t>::max();
    for (char c : text) {
        if (!smtp::chars::is_digit(c)) {
            return std::nullopt;
        }
        auto digit = static_cast<std::uint64_t>(c - '0');
        value = value > (max - digit) / 10 ? max : value * 10 + digit;
    }
    return value;
}

std::vector<std::string_view> split_colon_list(std::string_view value) {
    std::vector<std::string_view> items;
    std::size_t at = 0;
    while (true) {
        auto colon = value.find(':', at);
        auto item = value.substr(at, colon == std::string_view::npos ? value.npos : colon - at);
        while (!item.empty() && is_fws_char(item.front())) {
            item.remove_prefix(1);
        }
        while (!item.empty() && is_fws_char(item.back())) {
            item.remove_suffix(1);
        }
        items.push_back(item);
        if (colon == std::string_view::npos) {
            return items;
        }
        at = colon + 1;
    }
}

}  // namespace sealbox::mailauth::dkim

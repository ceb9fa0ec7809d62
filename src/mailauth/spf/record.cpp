#include "mailauth/spf/record.h"

#include <cctype>

#include "mailauth/spf/macro.h"

namespace sealbox::mailauth::spf {
namespace {

using boost::asio::ip::address;

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

// §12 ip4-cidr-length / ip6-cidr-length without the "/": "0" or no leading zero, at most `max`.
std::optional<int> cidr_length(std::string_view digits, int max) {
    if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
        return std::nullopt;
    }
    int value = 0;
    for (char ch : digits) {
        if (!is_digit(ch)) {
            return std::nullopt;
        }
        value = value * 10 + (ch - '0');
    }
    if (value > max) {
        return std::nullopt;
    }
    return value;
}

// Removes a trailing "/<digits>" from `text` and returns the digits ("" when there is none).
std::string_view cut_trailing_length(std::string_view& text) {
    auto slash = text.rfind('/');
    if (slash == std::string_view::npos || slash + 1 == text.size()) {
        return {};
    }
    for (std::size_t i = slash + 1; i < text.size(); ++i) {
        if (!is_digit(text[i])) {
            return {};
        }
    }
    auto digits = text.substr(slash + 1);
    text = text.substr(0, slash);
    return digits;
}

// §12 qnum: 0-255 without leading zeros, so "1.2.3.04" is not an ip4-network.
bool is_ip4_network(std::string_view text) {
    int parts = 0;
    while (true) {
        auto dot = text.find('.');
        auto part = text.substr(0, dot);
        if (!cidr_length(part, 255)) {
            return false;
        }
        ++parts;
        if (dot == std::string_view::npos) {
            break;
        }
        text.remove_prefix(dot + 1);
    }
    return parts == 4;
}

std::optional<Qualifier> qualifier_of(char ch) {
    switch (ch) {
        case '+':
            return Qualifier::pass;
        case '-':
            return Qualifier::fail;
        case '~':
            return Qualifier::softfail;
        case '?':
            return Qualifier::neutral;
        default:
            return std::nullopt;
    }
}

std::optional<MechanismKind> mechanism_kind(std::string_view name) {
    static constexpr std::pair<std::string_view, MechanismKind> kinds[] = {
        {"all", MechanismKind::all}, {"include", MechanismKind::include},
        {"a", MechanismKind::a},     {"mx", MechanismKind::mx},
        {"ptr", MechanismKind::ptr}, {"ip4", MechanismKind::ip4},
        {"ip6", MechanismKind::ip6}, {"exists", MechanismKind::exists},
    };
    for (auto [text, kind] : kinds) {
        if (iequals(name, text)) {
            return kind;
        }
    }
    return std::nullopt;
}

// §12 ip4 / ip6: ":" network [ "/" length ].
bool parse_network(std::string_view rest, Mechanism& m) {
    if (rest.empty() || rest[0] != ':') {
        return false;
    }
    rest.remove_prefix(1);
    bool v4 = m.kind == MechanismKind::ip4;
    std::optional<int> length = v4 ? 32 : 128;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        length = cidr_length(rest.substr(slash + 1), v4 ? 32 : 128);
        rest = rest.substr(0, slash);
    }
    if (!length) {
        return false;
    }
    (v4 ? m.ip4_prefix : m.ip6_prefix) = *length;
    if (v4) {
        if (!is_ip4_network(rest)) {
            return false;
        }
        m.network = boost::asio::ip::make_address_v4(std::string(rest));
        return true;
    }
    // RFC 4291 §2.2 text forms; no zone index, and not an IPv4 dotted quad.
    boost::system::error_code ec;
    auto parsed = boost::asio::ip::make_address_v6(std::string(rest), ec);
    if (ec || rest.find('%') != std::string_view::npos) {
        return false;
    }
    m.network = parsed;
    return true;
}

// §12 a / mx: [ ":" domain-spec ] [ dual-cidr-length ]; ptr: [ ":" domain-spec ];
// include / exists: ":" domain-spec.
bool parse_target(std::string_view rest, Mechanism& m) {
    bool dual_cidr = m.kind == MechanismKind::a || m.kind == MechanismKind::mx;
    if (dual_cidr) {
        auto ip6 = cut_trailing_length(rest);
        if (!ip6.empty()) {
            if (!rest.empty() && rest.back() == '/') {
                rest.remove_suffix(1);  // "//": ip6-cidr-length
                auto length = cidr_length(ip6, 128);
                if (!length) {
                    return false;
                }
                m.ip6_prefix = *length;
                ip6 = cut_trailing_length(rest);
            }
            if (!ip6.empty()) {  // a single "/": ip4-cidr-length
                auto length = cidr_length(ip6, 32);
                if (!length) {
                    return false;
                }
                m.ip4_prefix = *length;
            }
        }
    }
    if (rest.empty()) {
        return m.kind != MechanismKind::include && m.kind != MechanismKind::exists;
    }
    if (rest[0] != ':' || !is_domain_spec(rest.substr(1))) {
        return false;
    }
    m.domain_spec = std::string(rest.substr(1));
    return true;
}

std::optional<Mechanism> parse_directive(std::string_view term) {
    Mechanism m;
    if (auto q = qualifier_of(term[0])) {
        m.qualifier = *q;
        term.remove_prefix(1);
    }
    auto name_end = term.find_first_of(":/");
    auto kind = mechanism_kind(term.substr(0, name_end));
    if (!kind) {
        return std::nullopt;
    }
    m.kind = *kind;
    auto rest = name_end == std::string_view::npos ? std::string_view{} : term.substr(name_end);
    switch (m.kind) {
        case MechanismKind::all:
            return rest.empty() ? std::optional(m) : std::nullopt;
        case MechanismKind::ip4:
        case MechanismKind::ip6:
            return parse_network(rest, m) ? std::optional(m) : std::nullopt;
        default:
            return parse_target(rest, m) ? std::optional(m) : std::nullopt;
    }
}

// §12 name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), when followed by "=".
std::optional<std::string_view> modifier_name(std::string_view term) {
    auto equals = term.find('=');
    if (equals == std::string_view::npos || equals == 0 || !is_alpha(term[0])) {
        return std::nullopt;
    }
    for (char ch : term.substr(0, equals)) {
        if (!is_alpha(ch) && !is_digit(ch) && ch != '-' && ch != '_' && ch != '.') {
            return std::nullopt;
        }
    }
    return term.substr(0, equals);
}

}  // namespace

bool is_spf_record(std::string_view text) {
    constexpr std::string_view version = "v=spf1";
    return text.size() >= version.size() && iequals(text.substr(0, version.size()), version) &&
           (text.size() == version.size() || text[version.size()] == ' ');
}

ParsedRecord parse_record(std::string_view text) {
    ParsedRecord out;
    if (!is_spf_record(text)) {
        out.error = "not an SPF version 1 record";
        return out;
    }
    Record record;
    text.remove_prefix(6);
    // §4.6.1: terms are separated by one or more spaces, and nothing else.
    while (!text.empty()) {
        auto start = text.find_first_not_of(' ');
        if (start == std::string_view::npos) {
            break;
        }
        text.remove_prefix(start);
        auto term = text.substr(0, text.find(' '));
        text.remove_prefix(term.size());
        if (auto name = modifier_name(term)) {
            auto value = term.substr(name->size() + 1);
            bool redirect = iequals(*name, "redirect");
            if (redirect || iequals(*name, "exp")) {
                auto& slot = redirect ? record.redirect : record.explanation;
                if (slot) {
                    out.error = "modifier given twice: " + std::string(term);  // §6
                    return out;
                }
                if (!is_domain_spec(value)) {
                    out.error = "invalid domain-spec in " + std::string(term);
                    return out;
                }
                slot = std::string(value);
            } else if (!is_macro_string(value, MacroUse::modifier)) {
                out.error = "invalid modifier " + std::string(term);
                return out;
            }
            continue;
        }
        auto mechanism = parse_directive(term);
        if (!mechanism) {
            out.error = "invalid term " + std::string(term);
            return out;
        }
        record.mechanisms.push_back(std::move(*mechanism));
    }
    out.record = std::move(record);
    return out;
}

}  // namespace sealbox::mailauth::spf

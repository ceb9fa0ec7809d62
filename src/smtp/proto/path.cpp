#include "smtp/proto/path.h"

#include <algorithm>

#include "smtp/proto/chars.h"

namespace sealbox::smtp {
namespace {

using namespace chars;

constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321 §4.5.3.1.1
constexpr std::size_t kMaxDomain = 255;    // RFC 5321 §4.5.3.1.2
constexpr std::size_t kMaxPath = 256;      // RFC 5321 §4.5.3.1.3

struct LocalPart {
    std::string decoded;
    bool quoted = false;
    std::size_t wire_length = 0;
};

struct Domain {
    std::string text;
    DomainKind kind = DomainKind::name;
};

// RFC 5321 §4.1.2: Dot-string = Atom *("." Atom). Reads up to (not including) the "@".
std::optional<LocalPart> take_dot_string(std::string_view& in) {
    std::size_t n = 0;
    while (n < in.size() && (is_atext(in[n]) || in[n] == '.')) {
        ++n;
    }
    std::string_view s = in.substr(0, n);
    if (s.empty() || s.front() == '.' || s.back() == '.' ||
        s.find("..") != std::string_view::npos) {
        return std::nullopt;
    }
    in.remove_prefix(n);
    return LocalPart{std::string(s), false, n};
}

// RFC 5321 §4.1.2: Quoted-string = DQUOTE *QcontentSMTP DQUOTE, quoted-pairSMTP = "\" %d32-126,
// qtextSMTP = %d32-33 / %d35-91 / %d93-126, plus UTF8-non-ascii (RFC 6531 §3.3).
std::optional<LocalPart> take_quoted_string(std::string_view& in) {
    LocalPart out;
    out.quoted = true;
    std::size_t i = 1;  // past the opening quote
    while (true) {
        if (i >= in.size()) {
            return std::nullopt;
        }
        char c = in[i];
        auto u = static_cast<unsigned char>(c);
        if (c == '"') {
            ++i;
            break;
        }
        if (c == '\\') {
            if (i + 1 >= in.size()) {
                return std::nullopt;
            }
            auto escaped = static_cast<unsigned char>(in[i + 1]);
            if (escaped < 32 || escaped > 126) {
                return std::nullopt;
            }
            out.decoded.push_back(in[i + 1]);
            i += 2;
            continue;
        }
        if (!((u >= 32 && u <= 126) || u >= 0x80)) {
            return std::nullopt;
        }
        out.decoded.push_back(c);
        ++i;
    }
    out.wire_length = i;
    in.remove_prefix(i);
    return out;
}

std::optional<LocalPart> take_local_part(std::string_view& in) {
    if (!in.empty() && in.front() == '"') {
        return take_quoted_string(in);
    }
    return take_dot_string(in);
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 5321 §4.1.3: IPv4-address-literal = Snum 3("." Snum), Snum = 1*3DIGIT of value 0-255.
bool valid_ipv4(std::string_view s) {
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (s.empty() || s.front() != '.') {
                return false;
            }
            s.remove_prefix(1);
        }
        std::size_t n = 0;
        int value = 0;
        while (n < s.size() && n < 3 && is_digit(s[n])) {
            value = value * 10 + (s[n] - '0');
            ++n;
        }
        if (n == 0 || value > 255) {
            return false;
        }
        s.remove_prefix(n);
    }
    return s.empty();
}

// Groups of 1 to 4 hex digits separated by ":"; the last may be an IPv4 address worth two.
// Returns the number of 16-bit groups, or -1.
int count_ipv6_groups(std::string_view s, bool ipv4_tail_allowed) {
    if (s.empty()) {
        return 0;
    }
    int groups = 0;
    while (true) {
        std::size_t colon = s.find(':');
        std::string_view group = s.substr(0, colon);
        if (colon == std::string_view::npos && ipv4_tail_allowed &&
            group.find('.') != std::string_view::npos) {
            return valid_ipv4(group) ? groups + 2 : -1;
        }
        if (group.empty() || group.size() > 4) {
            return -1;
        }
        for (char c : group) {
            if (!is_hex(c)) {
                return -1;
            }
        }
        ++groups;
        if (colon == std::string_view::npos) {
            return groups;
        }
        s.remove_prefix(colon + 1);
    }
}

// RFC 5321 §4.1.3 IPv6-addr (full, compressed, and with an IPv4 tail). RFC 5321 wants "::" to
// stand for at least two groups; RFC 4291 §2.2 and every stack allow one, so that is accepted.
bool valid_ipv6(std::string_view s) {
    std::size_t gap = s.find("::");
    if (gap == std::string_view::npos) {
        return count_ipv6_groups(s, true) == 8;
    }
    std::string_view head = s.substr(0, gap);
    std::string_view tail = s.substr(gap + 2);
    if (tail.find("::") != std::string_view::npos) {
        return false;
    }
    int h = count_ipv6_groups(head, false);
    int t = count_ipv6_groups(tail, true);
    return h >= 0 && t >= 0 && h + t <= 7;
}

// RFC 5321 §4.1.2: Ldh-str as used by Standardized-tag.
bool is_ldh_str(std::string_view s) {
    if (s.empty() || !is_alnum(s.back())) {
        return false;
    }
    for (char c : s) {
        if (!is_alnum(c) && c != '-') {
            return false;
        }
    }
    return true;
}

// The inside of "[...]": the literal with brackets, and its kind.
std::optional<Domain> classify_literal(std::string_view inner) {
    if (istarts_with(inner, "IPv6:")) {
        std::string_view addr = inner.substr(5);
        if (!valid_ipv6(addr)) {
            return std::nullopt;
        }
        std::string text = "[IPv6:";
        for (char c : addr) {
            text.push_back(to_lower(c));
        }
        text.push_back(']');
        return Domain{std::move(text), DomainKind::ipv6};
    }
    if (valid_ipv4(inner)) {
        return Domain{"[" + std::string(inner) + "]", DomainKind::ipv4};
    }
    // General-address-literal = Standardized-tag ":" 1*dcontent; dcontent = %d33-90 / %d94-126.
    std::size_t colon = inner.find(':');
    if (colon == std::string_view::npos || !is_ldh_str(inner.substr(0, colon)) ||
        colon + 1 == inner.size()) {
        return std::nullopt;
    }
    for (char c : inner.substr(colon + 1)) {
        auto u = static_cast<unsigned char>(c);
        if (!((u >= 33 && u <= 90) || (u >= 94 && u <= 126))) {
            return std::nullopt;
        }
    }
    return Domain{"[" + std::string(inner) + "]", DomainKind::general};
}

enum class DomainResult { ok, syntax, too_long };

// RFC 5321 §4.1.2: Domain = sub-domain *("." sub-domain), sub-domain = Let-dig [Ldh-str], with
// U-labels from RFC 6531 §3.3. Reads the longest run of domain characters.
DomainResult take_domain_name(std::string_view& in, Domain& out) {
    std::size_t n = 0;
    while (n < in.size() &&
           (is_alnum(in[n]) || in[n] == '-' || in[n] == '.' || is_non_ascii(in[n]))) {
        ++n;
    }
    std::string_view s = in.substr(0, n);
    if (s.size() > kMaxDomain) {
        return DomainResult::too_long;
    }
    // core's normalize_domain tolerates a trailing dot; the SMTP grammar does not.
    if (s.empty() || s.back() == '.' || !valid_utf8(s)) {
        return DomainResult::syntax;
    }
    auto normalized = normalize_domain(s);
    if (!normalized) {
        return DomainResult::syntax;
    }
    out = Domain{std::move(*normalized), DomainKind::name};
    in.remove_prefix(n);
    return DomainResult::ok;
}

// address-literal = "[" ... "]" (RFC 5321 §4.1.3)
DomainResult take_address_literal(std::string_view& in, Domain& out) {
    std::size_t close = in.find(']');
    if (close == std::string_view::npos) {
        return DomainResult::syntax;
    }
    if (close + 1 > kMaxDomain) {
        return DomainResult::too_long;
    }
    auto literal = classify_literal(in.substr(1, close - 1));
    if (!literal) {
        return DomainResult::syntax;
    }
    out = std::move(*literal);
    in.remove_prefix(close + 1);
    return DomainResult::ok;
}

DomainResult take_domain(std::string_view& in, Domain& out) {
    if (!in.empty() && in.front() == '[') {
        return take_address_literal(in, out);
    }
    return take_domain_name(in, out);
}

// Mailbox = Local-part "@" ( Domain / address-literal )
std::variant<Mailbox, PathError> take_mailbox(std::string_view& in) {
    auto local = take_local_part(in);
    if (!local || in.empty() || in.front() != '@') {
        return PathError::syntax;
    }
    in.remove_prefix(1);
    if (local->wire_length > kMaxLocalPart) {
        return PathError::local_part_too_long;
    }
    if (!valid_utf8(local->decoded)) {
        return PathError::syntax;
    }
    Domain domain;
    switch (take_domain(in, domain)) {
        case DomainResult::ok:
            break;
        case DomainResult::syntax:
            return PathError::syntax;
        case DomainResult::too_long:
            return PathError::domain_too_long;
    }
    Mailbox box;
    box.has_utf8 = std::any_of(local->decoded.begin(), local->decoded.end(), is_non_ascii) ||
                   std::any_of(domain.text.begin(), domain.text.end(), is_non_ascii);
    box.local_part = std::move(local->decoded);
    box.quoted = local->quoted;
    box.domain = std::move(domain.text);
    box.domain_kind = domain.kind;
    return box;
}

// A-d-l = At-domain *( "," At-domain ), At-domain = "@" Domain; the route is obsolete and
// RFC 5321 §4.1.2 says to ignore it, but it must still parse so the mailbox can be found.
bool skip_source_route(std::string_view& in) {
    while (true) {
        if (in.empty() || in.front() != '@') {
            return false;
        }
        in.remove_prefix(1);
        Domain ignored;
        if (take_domain_name(in, ignored) != DomainResult::ok) {
            return false;
        }
        if (!in.empty() && in.front() == ',') {
            in.remove_prefix(1);
            continue;
        }
        if (!in.empty() && in.front() == ':') {
            in.remove_prefix(1);
            return true;
        }
        return false;
    }
}

bool is_dot_string(std::string_view s) {
    std::string_view copy = s;
    auto parsed = take_dot_string(copy);
    return parsed && copy.empty();
}

}  // namespace

std::string Mailbox::str() const {
    std::string out;
    if (is_dot_string(local_part)) {
        out = local_part;
    } else {
        out.push_back('"');
        for (char c : local_part) {
            if (c == '"' || c == '\\') {
                out.push_back('\\');
            }
            out.push_back(c);
        }
        out.push_back('"');
    }
    if (domain_kind != DomainKind::none) {
        out.push_back('@');
        out += domain;
    }
    return out;
}

std::optional<MailAddress> Mailbox::to_mail_address() const {
    if (domain_kind != DomainKind::name) {
        return std::nullopt;
    }
    return parse_address(local_part + "@" + domain);
}

std::variant<ParsedPath, PathError> parse_path(std::string_view input, PathRole role) {
    std::string_view in = input;
    if (in.empty() || in.front() != '<') {
        return PathError::syntax;
    }
    in.remove_prefix(1);
    ParsedPath result;
    // RFC 5321 §4.1.1.2: Reverse-path = Path / "<>"
    if (role == PathRole::reverse && !in.empty() && in.front() == '>') {
        result.length = 2;
        return result;
    }
    // RFC 5321 §4.1.1.3: "<Postmaster>" with no domain must be accepted by every server.
    if (role == PathRole::forward && istarts_with(in, "postmaster>")) {
        Mailbox box;
        box.local_part = std::string(in.substr(0, 10));
        box.domain_kind = DomainKind::none;
        result.mailbox = std::move(box);
        result.length = 12;
        return result;
    }
    if (!in.empty() && in.front() == '@' && !skip_source_route(in)) {
        return PathError::syntax;
    }
    auto mailbox = take_mailbox(in);
    if (auto* error = std::get_if<PathError>(&mailbox)) {
        return *error;
    }
    if (in.empty() || in.front() != '>') {
        return PathError::syntax;
    }
    in.remove_prefix(1);
    result.length = input.size() - in.size();
    if (result.length > kMaxPath) {
        return PathError::path_too_long;
    }
    result.mailbox = std::move(std::get<Mailbox>(mailbox));
    return result;
}

std::optional<Mailbox> parse_mailbox(std::string_view text) {
    auto mailbox = take_mailbox(text);
    if (!text.empty() || !std::holds_alternative<Mailbox>(mailbox)) {
        return std::nullopt;
    }
    return std::move(std::get<Mailbox>(mailbox));
}

bool is_valid_domain(std::string_view text) {
    Domain ignored;
    return take_domain_name(text, ignored) == DomainResult::ok && text.empty();
}

bool is_valid_address_literal(std::string_view text) {
    Domain ignored;
    return !text.empty() && text.front() == '[' &&
           take_address_literal(text, ignored) == DomainResult::ok && text.empty();
}

}  // namespace sealbox::smtp

#include "mailauth/dmarc/public_suffix.h"

#include <idn2.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/address.h"
#include "core/error.h"

namespace sealbox::mailauth::dmarc {

namespace {

bool is_ascii(std::string_view text) {
    return std::ranges::all_of(text, [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::size_t count_labels(std::string_view domain) {
    return static_cast<std::size_t>(std::ranges::count(domain, '.')) + 1;
}

// The rightmost `count` labels of a domain that has at least that many.
std::string_view last_labels(std::string_view domain, std::size_t count) {
    std::size_t start = domain.size();
    for (; count > 0; --count) {
        std::size_t dot = start == 0 ? std::string_view::npos : domain.rfind('.', start - 1);
        if (dot == std::string_view::npos) {
            return domain;
        }
        start = dot;
    }
    return domain.substr(start + 1);
}

}  // namespace

std::optional<std::string> to_ascii_domain(std::string_view domain) {
    auto normalized = normalize_domain(domain);
    if (!normalized || is_ascii(*normalized)) {
        return normalized;
    }
    // RFC 7489 §6.6.1: "If the domain is a U-label, the domain name MUST be converted to an
    // A-label" (IDNA2008, RFC 5891 §4), through libidn2.
    char* a_labels = nullptr;
    if (idn2_to_ascii_8z(normalized->c_str(), &a_labels, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) !=
        IDN2_OK) {
        return std::nullopt;
    }
    std::string out(a_labels);
    idn2_free(a_labels);
    return normalize_domain(out);
}

PublicSuffixList PublicSuffixList::parse(std::string_view text) {
    PublicSuffixList list;
    bool private_section = false;
    std::istringstream lines{std::string(text)};
    std::string line;
    while (std::getline(lines, line)) {
        if (line.starts_with("//")) {
            if (line.find("===BEGIN PRIVATE DOMAINS===") != std::string::npos) {
                private_section = true;
            } else if (line.find("===BEGIN ICANN DOMAINS===") != std::string::npos) {
                private_section = false;
            }
            continue;
        }
        // A rule is the line's first word; the rest of the line is ignored.
        std::string_view rule(line);
        rule = rule.substr(0, rule.find_first_of(" \t\r"));
        if (rule.empty()) {
            continue;
        }
        unsigned kind = exact;
        if (rule.starts_with('!')) {
            kind = exception;
            rule.remove_prefix(1);
        } else if (rule.starts_with("*.")) {
            kind = wildcard;
            rule.remove_prefix(2);
        }
        auto name = to_ascii_domain(rule);
        if (!name) {
            continue;
        }
        Rule& entry = list.rules_[*name];
        (private_section ? entry.private_ : entry.icann) |= kind;
    }
    return list;
}

PublicSuffixList PublicSuffixList::load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        throw Error(ErrorCode::io, "cannot read the public suffix list " + path);
    }
    return parse(text.str());
}

const PublicSuffixList& PublicSuffixList::system() {
    static const PublicSuffixList list = load(kSystemPublicSuffixList);
    return list;
}

// publicsuffix.org/list, "Formal algorithm": of the rules matching the domain, an exception rule
// prevails (and stands for its own name less the leftmost label); otherwise the rule with the
// most labels; with no match the implicit rule "*" (one label).
std::size_t PublicSuffixList::suffix_labels(std::string_view domain, Sections sections) const {
    const std::size_t labels = count_labels(domain);
    std::size_t best = 1;
    for (std::size_t k = 1; k <= labels; ++k) {
        auto it = rules_.find(last_labels(domain, k));
        if (it == rules_.end()) {
            continue;
        }
        const unsigned kinds =
            it->second.icann | (sections == Sections::all ? it->second.private_ : 0U);
        if (kinds & exception) {
            return std::max<std::size_t>(k - 1, 1);
        }
        if (kinds & exact) {
            best = std::max(best, k);
        }
        if ((kinds & wildcard) && k < labels) {
            best = std::max(best, k + 1);
        }
    }
    return best;
}

std::optional<std::string> PublicSuffixList::public_suffix(std::string_view domain,
                                                           Sections sections) const {
    auto name = to_ascii_domain(domain);
    if (!name) {
        return std::nullopt;
    }
    return std::string(last_labels(*name, suffix_labels(*name, sections)));
}

std::optional<std::string> PublicSuffixList::registrable_domain(std::string_view domain,
                                                                Sections sections) const {
    auto name = to_ascii_domain(domain);
    if (!name) {
        return std::nullopt;
    }
    std::size_t suffix = suffix_labels(*name, sections);
    if (suffix >= count_labels(*name)) {
        return std::nullopt;
    }
    return std::string(last_labels(*name, suffix + 1));
}

std::optional<std::string> PublicSuffixList::organizational_domain(std::string_view domain,
                                                                   Sections sections) const {
    auto name = to_ascii_domain(domain);
    if (!name) {
        return std::nullopt;
    }
    std::size_t suffix = suffix_labels(*name, sections);
    return std::string(last_labels(*name, std::min(suffix + 1, count_labels(*name))));
}

}  // namespace sealbox::mailauth::dmarc

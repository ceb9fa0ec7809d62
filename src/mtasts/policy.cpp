#include "mtasts/policy.h"

#include <algorithm>
#include <cctype>

#include "core/ascii.h"

namespace sealbox::mtasts {
namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim_wsp(std::string_view s) {
    while (!s.empty() && is_wsp(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_wsp(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

// sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
bool is_extension_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || !is_alnum(name.front())) {
        return false;
    }
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

// sts-ext-value = 1*(%x21-3A / %x3C / %x3E-7E): visible characters but ";" and "=".
bool is_extension_value(std::string_view value) {
    return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u >= 0x21 && u <= 0x7e && c != ';' && c != '=';
    });
}

// RFC 5321 Domain (as RFC 8461 §3.2 uses it): letter-digit-hyphen labels, no empty label.
bool is_domain(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    for (;;) {
        std::size_t dot = name.find('.', start);
        std::string_view label = name.substr(
            start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63 || !is_alnum(label.front()) ||
            !is_alnum(label.back()) || !std::all_of(label.begin(), label.end(), [](char c) {
                return is_alnum(c) || c == '-';
            })) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

// sts-policy-mx-value = ["*."] Domain
std::optional<std::string> mx_pattern(std::string_view value) {
    std::string_view domain = value.starts_with("*.") ? value.substr(2) : value;
    if (!is_domain(domain)) {
        return std::nullopt;
    }
    return ascii_lower(value);
}

}  // namespace

std::optional<StsRecord> parse_sts_record(std::string_view text) {
    // sts-version = %s"v=" %s"STSv1": case-sensitive, first.
    constexpr std::string_view kVersion = "v=STSv1";
    if (!text.starts_with(kVersion)) {
        return std::nullopt;
    }
    text.remove_prefix(kVersion.size());
    StsRecord record;
    bool have_id = false;
    // 1*(sts-sep sts-field) [sts-sep], sts-sep = *WSP ";" *WSP
    bool fields = false;
    while (!text.empty()) {
        text = trim_wsp(text);
        if (text.empty() || text.front() != ';') {
            return std::nullopt;
        }
        text.remove_prefix(1);
        text = trim_wsp(text);
        if (text.empty()) {
            break;  // the optional final separator
        }
        std::size_t end = text.find(';');
        std::string_view field = text.substr(0, end);
        while (!field.empty() && is_wsp(field.back())) {
            field.remove_suffix(1);
        }
        text = end == std::string_view::npos ? std::string_view() : text.substr(end);
        std::size_t eq = field.find('=');
        if (eq == std::string_view::npos) {
            return std::nullopt;
        }
        std::string_view name = field.substr(0, eq);
        std::string_view value = field.substr(eq + 1);
        if (name == "id") {
            // sts-id = %s"id=" 1*32(ALPHA / DIGIT)
            if (have_id || value.empty() || value.size() > 32 ||
                !std::all_of(value.begin(), value.end(), is_alnum)) {
                return std::nullopt;
            }
            record.id = std::string(value);
            have_id = true;
        } else if (!is_extension_name(name) || !is_extension_value(value)) {
            return std::nullopt;
        }
        fields = true;
    }
    if (!fields || !have_id) {
        return std::nullopt;
    }
    return record;
}

std::optional<StsRecord> select_sts_record(const std::vector<std::string>& texts) {
    std::optional<StsRecord> found;
    int candidates = 0;
    for (const std::string& text : texts) {
        // "v=STSv1;" possibly with WSP before the ";"
        std::string_view rest(text);
        if (!rest.starts_with("v=STSv1")) {
            continue;
        }
        rest = trim_wsp(rest.substr(7));
        if (!rest.starts_with(';')) {
            continue;
        }
        ++candidates;
        found = parse_sts_record(text);
    }
    if (candidates != 1) {
        return std::nullopt;
    }
    return found;
}

std::string_view to_string(Mode mode) {
    switch (mode) {
        case Mode::enforce:
            return "enforce";
        case Mode::testing:
            return "testing";
        case Mode::none:
            break;
    }
    return "none";
}

PolicyParse parse_policy(std::string_view body) {
    PolicyParse out;
    Policy p;
    bool have_version = false, have_mode = false, have_max_age = false;
    auto fail = [&](std::string why) {
        out.error = std::move(why);
        return out;
    };
    while (!body.empty()) {
        // sts-policy-term-sep = CRLF / LF
        std::size_t lf = body.find('\n');
        std::string_view line = body.substr(0, lf);
        body = lf == std::string_view::npos ? std::string_view() : body.substr(lf + 1);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        while (!line.empty() && is_wsp(line.back())) {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;  // the final separator, or a blank line: nothing to read
        }
        // field ":" *WSP value
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) {
            return fail("a line without a field name");
        }
        std::string_view name = line.substr(0, colon);
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && is_wsp(value.front())) {
            value.remove_prefix(1);
        }
        if (name == "version") {
            if (!have_version) {
                if (value != "STSv1") {
                    return fail("version is not STSv1");
                }
                have_version = true;
            }
        } else if (name == "mode") {
            if (!have_mode) {
                if (value == "enforce") {
                    p.mode = Mode::enforce;
                } else if (value == "testing") {
                    p.mode = Mode::testing;
                } else if (value == "none") {
                    p.mode = Mode::none;
                } else {
                    return fail("unknown mode");
                }
                have_mode = true;
            }
        } else if (name == "max_age") {
            if (!have_max_age) {
                // sts-policy-max-age-value = 1*10DIGIT
                if (value.empty() || value.size() > 10 ||
                    !std::all_of(value.begin(), value.end(),
                                 [](char c) { return c >= '0' && c <= '9'; })) {
                    return fail("max_age is not a number of seconds");
                }
                std::int64_t age = 0;
                for (char c : value) {
                    age = age * 10 + (c - '0');
                }
                p.max_age = std::min(age, kMaxPolicyAge);
                have_max_age = true;
            }
        } else if (name == "mx") {
            auto pattern = mx_pattern(value);
            if (!pattern) {
                return fail("an mx pattern is not a domain");
            }
            p.mx.push_back(std::move(*pattern));
        } else if (!is_extension_name(name)) {
            return fail("a field name is not valid");
        }
        // Other extension fields: ignored (§3.2).
    }
    if (!have_version || !have_mode || !have_max_age) {
        return fail("version, mode or max_age missing");
    }
    if (p.mode != Mode::none && p.mx.empty()) {
        return fail("no mx pattern");
    }
    out.policy = std::move(p);
    return out;
}

std::string to_text(const Policy& policy) {
    std::string out = "version: STSv1\r\nmode: " + std::string(to_string(policy.mode)) + "\r\n";
    for (const auto& mx : policy.mx) {
        out += "mx: " + mx + "\r\n";
    }
    out += "max_age: " + std::to_string(policy.max_age) + "\r\n";
    return out;
}

bool mx_matches(const Policy& policy, std::string_view host) {
    if (host.ends_with('.')) {
        host.remove_suffix(1);
    }
    const std::string name = ascii_lower(host);
    for (const std::string& pattern : policy.mx) {
        if (pattern.starts_with("*.")) {
            // One label, not empty, before the pattern's suffix (".example.net").
            std::string_view suffix = std::string_view(pattern).substr(1);
            if (name.size() > suffix.size() && name.ends_with(suffix) &&
                name.find('.') == name.size() - suffix.size()) {
                return true;
            }
        } else if (name == pattern) {
            return true;
        }
    }
    return false;
}

}  // namespace sealbox::mtasts

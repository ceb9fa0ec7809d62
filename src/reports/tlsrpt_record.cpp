#include "reports/tlsrpt_record.h"

namespace sealbox::reports {
namespace {

constexpr std::string_view kVersion = "v=TLSRPTv1";

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_wsp(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_wsp(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

// RFC 3986 §3.1 scheme ":" and then visible characters; "," and ";" must be percent-encoded
// in the record (RFC 8460 §3).
bool is_uri(std::string_view uri) {
    auto colon = uri.find(':');
    if (colon == std::string_view::npos || colon == 0 || !is_alpha(uri[0]) ||
        colon + 1 == uri.size()) {
        return false;
    }
    for (std::size_t i = 0; i < uri.size(); ++i) {
        char c = uri[i];
        if (i < colon && !(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) {
            return false;
        }
        if (c <= 0x20 || c >= 0x7f || c == ',' || c == ';') {
            return false;
        }
    }
    return true;
}

// tlsrpt-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".")
bool is_extension_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || !(is_alpha(name[0]) || is_digit(name[0]))) {
        return false;
    }
    for (char c : name) {
        if (!(is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.')) {
            return false;
        }
    }
    return true;
}

// tlsrpt-ext-value = 1*(%x21-3A / %x3C / %x3E-7E)
bool is_extension_value(std::string_view value) {
    if (value.empty()) {
        return false;
    }
    for (char c : value) {
        if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
            return false;
        }
    }
    return true;
}

// tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri)
bool parse_rua(std::string_view value, std::vector<std::string>& out) {
    while (true) {
        auto comma = value.find(',');
        std::string_view uri = trim(value.substr(0, comma));
        if (!is_uri(uri)) {
            return false;
        }
        out.emplace_back(uri);
        if (comma == std::string_view::npos) {
            return true;
        }
        value.remove_prefix(comma + 1);
    }
}

}  // namespace

// RFC 8460 §3: tlsrpt-record = tlsrpt-version 1*(field-delim tlsrpt-field) [field-delim],
// field-delim = *WSP ";" *WSP. Field names are case-sensitive (%s).
std::optional<TlsRptRecord> parse_tlsrpt_record(std::string_view text) {
    if (!text.starts_with(kVersion)) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(kVersion.size());
    TlsRptRecord record;
    bool have_rua = false;
    while (!rest.empty()) {
        rest = trim(rest);
        if (rest.empty() || rest.front() != ';') {
            return std::nullopt;  // something after the version or a field that is no field
        }
        rest.remove_prefix(1);
        auto end = rest.find(';');
        std::string_view field = trim(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
        if (field.empty()) {
            if (rest.empty()) {
                break;  // the optional final delimiter
            }
            return std::nullopt;
        }
        auto equals = field.find('=');
        if (equals == std::string_view::npos) {
            return std::nullopt;
        }
        std::string_view name = field.substr(0, equals);
        std::string_view value = field.substr(equals + 1);
        if (name == "rua") {
            // One rua only: a second would leave the destinations ambiguous.
            if (have_rua || !parse_rua(value, record.rua)) {
                return std::nullopt;
            }
            have_rua = true;
        } else if (!is_extension_name(name) || !is_extension_value(value)) {
            return std::nullopt;
        }
    }
    if (!have_rua) {
        return std::nullopt;
    }
    return record;
}

std::optional<TlsRptRecord> select_tlsrpt_record(const std::vector<std::string>& texts) {
    const std::string* candidate = nullptr;
    for (const auto& text : texts) {
        std::string_view view = text;
        if (!view.starts_with(kVersion) || !trim(view.substr(kVersion.size())).starts_with(';')) {
            continue;
        }
        if (candidate) {
            return std::nullopt;
        }
        candidate = &text;
    }
    return candidate ? parse_tlsrpt_record(*candidate) : std::nullopt;
}

}  // namespace sealbox::reports

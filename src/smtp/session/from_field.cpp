#include "smtp/session/from_field.h"

#include <optional>
#include <string>

#include "smtp/proto/chars.h"

namespace sealbox::smtp {
namespace {

// Unfolded values of every field named `name` in the header section (RFC 5322 §2.2.3).
std::vector<std::string> field_values(std::string_view message, std::string_view name) {
    std::vector<std::string> values;
    bool in_wanted = false;
    while (!message.empty()) {
        std::size_t lf = message.find('\n');
        std::string_view line = message.substr(0, lf);
        message = lf == std::string_view::npos ? std::string_view() : message.substr(lf + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            break;  // the end of the header section
        }
        if (line.front() == ' ' || line.front() == '\t') {
            if (in_wanted) {
                values.back() += line;
            }
            continue;
        }
        std::size_t colon = line.find(':');
        std::string_view field = line.substr(0, colon);
        // RFC 5322 §4.5.3 (obsolete syntax): white space may precede the colon.
        while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) {
            field.remove_suffix(1);
        }
        in_wanted = colon != std::string_view::npos && chars::iequals(field, name);
        if (in_wanted) {
            values.emplace_back(line.substr(colon + 1));
        }
    }
    return values;
}

// Skips a quoted-string or a (nested) comment starting at v[i]; appends the quoted-string to
// `out` when given. False when it never ends.
bool skip_quoted(std::string_view v, std::size_t& i, std::string* out) {
    const char open = v[i];
    const char close = open == '"' ? '"' : ')';
    int depth = 0;
    for (; i < v.size(); ++i) {
        char c = v[i];
        if (out) {
            out->push_back(c);
        }
        if (c == '\\') {
            if (++i < v.size() && out) {
                out->push_back(v[i]);
            }
        } else if (c == open && (open == '(' || depth == 0)) {
            ++depth;
        } else if (c == close) {
            if (--depth == 0) {
                return true;
            }
        }
    }
    return false;
}

// The addr-spec of one mailbox: the angle-addr when there is one, else the text outside comments.
std::optional<std::string> mailbox_spec(const std::string& outside,
                                        const std::optional<std::string>& angle) {
    std::string spec;
    for (char c : angle ? *angle : outside) {
        if (c != ' ' && c != '\t') {
            spec.push_back(c);
        }
    }
    // RFC 5322 §4.4 obs-route: "<@relay:user@host>" names user@host.
    if (angle && !spec.empty() && spec.front() == '@') {
        std::size_t colon = spec.find(':');
        if (colon == std::string::npos) {
            return std::nullopt;
        }
        spec.erase(0, colon + 1);
    }
    return spec;
}

// RFC 5322 §3.4 mailbox-list; empty elements are skipped (obs-mbox-list, §4.4).
std::optional<std::vector<std::string>> mailbox_specs(std::string_view v) {
    std::vector<std::string> specs;
    std::string outside;
    std::optional<std::string> angle;
    auto end_mailbox = [&]() -> bool {
        auto spec = mailbox_spec(outside, angle);
        if (!spec) {
            return false;
        }
        if (!spec->empty()) {
            specs.push_back(std::move(*spec));
        } else if (angle) {
            return false;  // "<>" names nobody
        }
        outside.clear();
        angle.reset();
        return true;
    };
    for (std::size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        if (angle && c != ' ' && c != '\t' && c != '(' && c != ',') {
            return std::nullopt;  // text after the angle-addr
        }
        if (c == '"') {
            if (!skip_quoted(v, i, &outside)) {
                return std::nullopt;
            }
        } else if (c == '(') {
            if (!skip_quoted(v, i, nullptr)) {
                return std::nullopt;
            }
        } else if (c == '<') {
            if (angle) {
                return std::nullopt;
            }
            std::size_t close = v.find('>', i);
            if (close == std::string_view::npos) {
                return std::nullopt;
            }
            angle = std::string(v.substr(i + 1, close - i - 1));
            i = close;
        } else if (c == ',') {
            if (!end_mailbox()) {
                return std::nullopt;
            }
        } else if (c == ':' || c == ';' || c == '>') {
            return std::nullopt;  // a group (not allowed in From:, §3.6.2) or stray syntax
        } else {
            outside.push_back(c);
        }
    }
    if (!end_mailbox() || specs.empty()) {
        return std::nullopt;
    }
    return specs;
}

}  // namespace

FromField read_from_field(std::string_view message) {
    FromField out;
    auto values = field_values(message, "From");
    if (values.empty()) {
        out.problem = FromField::Problem::missing;
        return out;
    }
    if (values.size() > 1) {
        out.problem = FromField::Problem::several;
        return out;
    }
    auto specs = mailbox_specs(values.front());
    if (!specs) {
        out.problem = FromField::Problem::malformed;
        return out;
    }
    for (const auto& spec : *specs) {
        auto address = parse_address(spec);
        if (!address) {
            out.problem = FromField::Problem::malformed;
            out.addresses.clear();
            return out;
        }
        out.addresses.push_back(std::move(*address));
    }
    return out;
}

}  // namespace sealbox::smtp

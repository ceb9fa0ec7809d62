#include "mailauth/dkim/message.h"

#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::string with_crlf_line_ends(std::string_view raw) {
    std::string out;
    out.reserve(raw.size() + raw.size() / 32);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) {
            out += '\r';
        }
        out += raw[i];
    }
    return out;
}

std::string field_name(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        return {};
    }
    auto name = text.substr(0, colon);
    while (!name.empty() && is_wsp(name.back())) {
        name.remove_suffix(1);
    }
    return std::string(name);
}

bool has_bare_lf(std::string_view raw) {
    for (auto lf = raw.find('\n'); lf != std::string_view::npos; lf = raw.find('\n', lf + 1)) {
        if (lf == 0 || raw[lf - 1] != '\r') {
            return true;
        }
    }
    return false;
}

Message parse_crlf(std::string_view text) {
    Message message;
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find("\r\n", at);
        std::size_t next = end == std::string_view::npos ? text.size() : end + 2;
        if (end == at) {  // the empty line: the body follows
            message.body = std::string(text.substr(next));
            return message;
        }
        std::string_view line = text.substr(at, next - at);
        if (is_wsp(text[at]) && !message.headers.empty()) {
            message.headers.back().text.append(line);
        } else {
            message.headers.push_back({field_name(line), std::string(line)});
        }
        at = next;
    }
    return message;  // a header with no body
}

}  // namespace

// Mail from SMTP already has CRLF line ends: it is read in place, so that a large message is
// copied once (its body), not twice.
Message parse_message(std::string_view raw) {
    if (has_bare_lf(raw)) {
        return parse_crlf(with_crlf_line_ends(raw));
    }
    return parse_crlf(raw);
}

std::vector<const HeaderField*> select_headers(const std::vector<HeaderField>& headers,
                                               const std::vector<std::string>& names,
                                               const HeaderField* skip) {
    std::vector<const HeaderField*> selected;
    std::vector<bool> taken(headers.size(), false);
    for (const auto& name : names) {
        for (std::size_t i = headers.size(); i-- > 0;) {
            if (!taken[i] && &headers[i] != skip && !headers[i].name.empty() &&
                smtp::chars::iequals(headers[i].name, name)) {
                taken[i] = true;
                selected.push_back(&headers[i]);
                break;
            }
        }
    }
    return selected;
}

}  // namespace sealbox::mailauth::dkim

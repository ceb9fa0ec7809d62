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

}  // namespace

Message parse_message(std::string_view raw) {
    std::string text = with_crlf_line_ends(raw);
    Message message;
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find("\r\n", at);
        std::size_t next = end == std::string::npos ? text.size() : end + 2;
        if (end == at) {  // the empty line: the body follows
            at = next;
            message.body = text.substr(at);
            return message;
        }
        if (is_wsp(text[at]) && !message.headers.empty()) {
            message.headers.back().text.append(text, at, next - at);
        } else {
            message.headers.push_back({field_name(std::string_view(text).substr(at, next - at)),
                                       text.substr(at, next - at)});
        }
        at = next;
    }
    return message;  // a header with no body
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

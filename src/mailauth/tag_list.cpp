#include "mailauth/tag_list.h"

#include <algorithm>

namespace sealbox::mailauth {

namespace {

bool is_alpha(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_alnumpunc(char c) {
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}
// VALCHAR = %x21-3A / %x3C-7E: visible characters but ";".
bool is_valchar(char c) {
    return c >= 0x21 && c <= 0x7e && c != ';';
}
bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

// FWS (RFC 5322 §3.2.2): whitespace, possibly folded by CRLF followed by more whitespace. A bare
// CR or LF, or a CRLF not followed by whitespace, ends the skip where it is.
std::size_t skip_fws(std::string_view text, std::size_t at) {
    while (at < text.size()) {
        if (is_wsp(text[at])) {
            ++at;
        } else if (text.substr(at, 2) == "\r\n" && at + 2 < text.size() && is_wsp(text[at + 2])) {
            at += 3;
        } else {
            break;
        }
    }
    return at;
}

}  // namespace

// RFC 6376 §3.2:
//   tag-list  =  tag-spec *( ";" tag-spec ) [ ";" ]
//   tag-spec  =  [FWS] tag-name [FWS] "=" [FWS] tag-value [FWS]
//   tag-value =  [ tval *( 1*(WSP / FWS) tval ) ]
std::optional<TagList> TagList::parse(std::string_view text) {
    TagList list;
    std::size_t at = 0;
    while (true) {
        at = skip_fws(text, at);
        if (at == text.size()) {
            // An empty list, or a trailing ";" (allowed) — but not ";;" nor a lone ";".
            if (list.tags_.empty() && !text.empty() && text.find(';') != std::string_view::npos) {
                return std::nullopt;
            }
            return list;
        }
        std::size_t name_start = at;
        if (!is_alpha(text[at])) {
            return std::nullopt;
        }
        while (at < text.size() && is_alnumpunc(text[at])) {
            ++at;
        }
        std::string_view name = text.substr(name_start, at - name_start);
        at = skip_fws(text, at);
        if (at == text.size() || text[at] != '=') {
            return std::nullopt;
        }
        at = skip_fws(text, at + 1);
        std::size_t value_start = at;
        std::size_t value_end = at;
        while (at < text.size() && text[at] != ';') {
            if (is_valchar(text[at])) {
                value_end = ++at;
                continue;
            }
            std::size_t after = skip_fws(text, at);
            if (after == at) {
                return std::nullopt;  // a control character, 8-bit byte or broken fold
            }
            at = after;
        }
        if (std::ranges::any_of(list.tags_, [&](const Tag& tag) { return tag.name == name; })) {
            return std::nullopt;
        }
        list.tags_.push_back({name, text.substr(value_start, value_end - value_start)});
        if (at == text.size()) {
            return list;
        }
        ++at;  // the ";"
        if (skip_fws(text, at) == text.size()) {
            return list;
        }
    }
}

std::optional<std::string_view> TagList::find(std::string_view name) const {
    for (const auto& tag : tags_) {
        if (tag.name == name) {
            return tag.value;
        }
    }
    return std::nullopt;
}

}  // namespace sealbox::mailauth

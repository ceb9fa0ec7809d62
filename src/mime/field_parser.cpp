#include "mime/field_parser.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string_view>

namespace sealbox::mime {

namespace {

struct GObjectUnref {
    void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct ReferencesFree {
    void operator()(GMimeReferences* references) const { g_mime_references_free(references); }
};

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string text_or_empty(const char* text) {
    return text ? text : "";
}

Parameters parameters(GMimeParamList* list) {
    Parameters out;
    const int count = list ? g_mime_param_list_length(list) : 0;
    for (int i = 0; i < count; ++i) {
        GMimeParam* param = g_mime_param_list_get_parameter_at(list, i);
        out.emplace_back(lower(text_or_empty(g_mime_param_get_name(param))),
                         text_or_empty(g_mime_param_get_value(param)));
    }
    return out;
}

// GMime decodes RFC 2047 encoded-words in display names, but ENVELOPE returns names as written
// (RFC 9051 §7.5.2). So every "=?" is broken with a private-use character before GMime sees the
// list and mended afterwards; an occurrence of that character in the input is doubled, which
// keeps the round trip exact.
constexpr std::string_view kBreaker = "\xEE\x80\x80";  // U+E000

std::string break_encoded_words(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value.substr(i, kBreaker.size()) == kBreaker) {
            out.append(kBreaker).append(kBreaker);
            i += kBreaker.size() - 1;
            continue;
        }
        out.push_back(value[i]);
        if (value[i] == '=' && i + 1 < value.size() && value[i + 1] == '?') {
            out.append(kBreaker);
        }
    }
    return out;
}

std::string mend_encoded_words(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (text.substr(i, kBreaker.size()) != kBreaker) {
            out.push_back(text[i++]);
        } else if (text.substr(i + kBreaker.size(), kBreaker.size()) == kBreaker) {
            out.append(kBreaker);
            i += 2 * kBreaker.size();
        } else {
            i += kBreaker.size();
        }
    }
    return out;
}

std::string mended(const char* text) {
    return text ? mend_encoded_words(text) : std::string();
}

void append_addresses(InternetAddressList* list, std::vector<Address>& out) {
    const int count = internet_address_list_length(list);
    for (int i = 0; i < count; ++i) {
        InternetAddress* address = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_GROUP(address)) {
            // RFC 9051 §7.5.2: a group is a NIL-host entry with its name, then its members,
            // then an all-NIL entry.
            out.push_back(
                {Address::Kind::group_start, "", mended(internet_address_get_name(address)), ""});
            append_addresses(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)),
                             out);
            out.push_back({Address::Kind::group_end, "", "", ""});
        } else if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
            auto* mailbox = INTERNET_ADDRESS_MAILBOX(address);
            const std::string addr = mended(mailbox->addr);
            // `at` indexes the unmended text; find the last '@' of the mended one instead.
            const std::size_t at = addr.rfind('@');
            out.push_back({Address::Kind::mailbox, mended(internet_address_get_name(address)),
                           addr.substr(0, at), at == std::string::npos ? "" : addr.substr(at + 1)});
        }
    }
}

void on_invalid_content_type(gint64, GMimeParserWarning warning, const gchar*, gpointer invalid) {
    if (warning == GMIME_WARN_INVALID_CONTENT_TYPE) {
        *static_cast<bool*>(invalid) = true;
    }
}

// GMime reads an invalid media type as application/octet-stream and says so only through a
// warning callback. The check parses the type alone, without parameters (RFC 2045 §5.1: a
// parameter starts at the first ';'), so the callback cannot make the parameter check run.
bool is_valid_media_type(const std::string& value) {
    bool invalid = false;
    GMimeParserOptions* options = g_mime_parser_options_new();
    g_mime_parser_options_set_warning_callback(options, on_invalid_content_type, &invalid);
    GObjectPtr<GMimeContentType> parsed(
        g_mime_content_type_parse(options, value.substr(0, value.find(';')).c_str()));
    g_mime_parser_options_free(options);
    return !invalid;
}

}  // namespace

void initialize_gmime() {
    static std::once_flag initialized;
    std::call_once(initialized, [] { g_mime_init(); });
}

std::optional<MediaType> parse_content_type(const std::string& value) {
    if (value.empty()) {
        return std::nullopt;
    }
    initialize_gmime();
    GObjectPtr<GMimeContentType> parsed(g_mime_content_type_parse(nullptr, value.c_str()));
    MediaType media{lower(text_or_empty(g_mime_content_type_get_media_type(parsed.get()))),
                    lower(text_or_empty(g_mime_content_type_get_media_subtype(parsed.get()))),
                    parameters(g_mime_content_type_get_parameters(parsed.get()))};
    if (media.type == "application" && media.subtype == "octet-stream" &&
        !is_valid_media_type(value)) {
        return std::nullopt;
    }
    return media;
}

Disposition parse_content_disposition(const std::string& value) {
    initialize_gmime();
    GObjectPtr<GMimeContentDisposition> parsed(
        g_mime_content_disposition_parse(nullptr, value.c_str()));
    return {lower(text_or_empty(g_mime_content_disposition_get_disposition(parsed.get()))),
            parameters(g_mime_content_disposition_get_parameters(parsed.get()))};
}

std::vector<Address> parse_address_list(const std::string& value) {
    std::vector<Address> out;
    if (value.empty()) {
        return out;
    }
    initialize_gmime();
    GObjectPtr<InternetAddressList> list(
        internet_address_list_parse(nullptr, break_encoded_words(value).c_str()));
    if (list) {
        append_addresses(list.get(), out);
    }
    return out;
}

std::vector<std::string> parse_message_ids(const std::string& value) {
    std::vector<std::string> out;
    if (value.empty()) {
        return out;
    }
    initialize_gmime();
    std::unique_ptr<GMimeReferences, ReferencesFree> parsed(
        g_mime_references_parse(nullptr, value.c_str()));
    const int count = parsed ? g_mime_references_length(parsed.get()) : 0;
    for (int i = 0; i < count; ++i) {
        const std::string id = text_or_empty(g_mime_references_get_message_id(parsed.get(), i));
        if (!id.empty()) {
            out.push_back("<" + id + ">");
        }
    }
    return out;
}

// Only the mechanism token: some mailers append a comment or junk after it.
std::string parse_transfer_encoding(const std::string& value) {
    const std::string mechanism = lower(value.substr(0, value.find_first_of(" \t(;")));
    return mechanism.empty() ? "7bit" : mechanism;
}

std::vector<std::string> parse_languages(const std::string& value) {
    std::vector<std::string> tags;
    std::size_t pos = 0;
    while (pos < value.size()) {
        const std::size_t end = std::min(value.find_first_of(", \t", pos), value.size());
        if (end > pos) {
            tags.push_back(value.substr(pos, end - pos));
        }
        pos = end + 1;
    }
    return tags;
}

}  // namespace sealbox::mime

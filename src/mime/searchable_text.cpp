// searchable_text(): the summary gives the parts (its framing, depth and part limits), GMime
// undoes transfer encodings and RFC 2047, iconv converts charsets; only HTML's markup is read
// here, since neither GMime nor GLib has an HTML-to-text reader.

#include "mime/searchable_text.h"

#include <gmime/gmime.h>
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <utility>

#include "mime/field_parser.h"
#include "mime/header_block.h"
#include "mime/message_summary.h"

namespace sealbox::mime {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

struct GFree {
    void operator()(gpointer memory) const { g_free(memory); }
};

std::string lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(g_ascii_tolower(c));
    }
    return out;
}

// Cuts at most `limit` octets without splitting a UTF-8 sequence.
void truncate_utf8(std::string& text, std::size_t limit) {
    if (text.size() <= limit) {
        return;
    }
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    text.resize(end);
}

void append_latin1(std::string_view octets, std::string& out) {
    for (char c : octets) {
        const auto octet = static_cast<unsigned char>(c);
        if (octet < 0x80) {
            out.push_back(c);
        } else {
            out.push_back(static_cast<char>(0xC0 | (octet >> 6)));
            out.push_back(static_cast<char>(0x80 | (octet & 0x3F)));
        }
    }
}

// Octets in an unknown or UTF-8 charset: kept when they are valid UTF-8, which is what most
// unlabelled 8-bit mail is, else read as ISO-8859-1, which reads any octets.
std::string utf8_or_latin1(std::string_view octets) {
    if (g_utf8_validate_len(octets.data(), octets.size(), nullptr)) {
        return std::string(octets);
    }
    std::string out;
    out.reserve(octets.size() * 2);
    append_latin1(octets, out);
    return out;
}

// Converts with iconv, each octet it cannot read becoming U+FFFD, until about `limit` octets
// are out.
std::string convert(iconv_t cd, std::string_view octets, std::size_t limit) {
    std::string out;
    char buffer[4096];
    char* in = const_cast<char*>(octets.data());  // iconv's signature; it does not write
    std::size_t in_left = octets.size();
    while (out.size() < limit) {
        char* next = buffer;
        std::size_t out_left = sizeof buffer;
        const bool at_end = in_left == 0;
        // At the end, a null input writes whatever shift sequence ends the text (ISO-2022-JP).
        const std::size_t result = at_end ? iconv(cd, nullptr, nullptr, &next, &out_left)
                                          : iconv(cd, &in, &in_left, &next, &out_left);
        out.append(buffer, next);
        if (result != static_cast<std::size_t>(-1)) {
            if (at_end) {
                break;
            }
        } else if (errno != E2BIG) {
            if (at_end) {
                break;
            }
            // EILSEQ, or EINVAL for a sequence cut short by the end of the input.
            out.append(kReplacement);
            ++in;
            --in_left;
        }
    }
    return out;
}

// RFC 2046 §4.1.2: text in its declared charset, as UTF-8. US-ASCII is read like UTF-8, since
// 8-bit text labelled US-ASCII is nearly always UTF-8.
std::string to_utf8(std::string_view octets, const std::string& charset, std::size_t limit) {
    const std::string name = lower_ascii(charset);
    if (name.empty() || name == "us-ascii" || name == "utf-8" || name == "utf8") {
        return utf8_or_latin1(octets);
    }
    initialize_gmime();
    // A descriptor of its own: it carries state, and this may run on several threads at once.
    iconv_t cd = iconv_open("UTF-8", g_mime_charset_iconv_name(name.c_str()));
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        return utf8_or_latin1(octets);
    }
    std::string out = convert(cd, octets, limit);
    iconv_close(cd);
    return out;
}

// RFC 2045 §6: base64, quoted-printable and uuencode are undone; anything else is taken as is.
std::string decode_transfer_encoding(std::string_view body, const std::string& encoding) {
    const GMimeContentEncoding kind = g_mime_content_encoding_from_string(encoding.c_str());
    if (kind != GMIME_CONTENT_ENCODING_BASE64 && kind != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
        kind != GMIME_CONTENT_ENCODING_UUENCODE) {
        return std::string(body);
    }
    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, kind);
    std::string out(g_mime_encoding_outlen(&state, body.size()), '\0');
    out.resize(g_mime_encoding_flush(&state, body.data(), body.size(), out.data()));
    return out;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           g_ascii_strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

// HTML elements that separate words when rendered; the others (b, i, span, a...) may split one.
bool is_block_element(std::string_view name) {
    static constexpr std::string_view kBlocks[] = {
        "address", "article", "aside", "blockquote", "br",   "dd",  "div", "dl",
        "dt",      "footer",  "form",  "h1",         "h2",   "h3",  "h4",  "h5",
        "h6",      "header",  "hr",    "li",         "main", "nav", "ol",  "p",
        "pre",     "section", "table", "td",         "th",   "tr",  "ul"};
    return std::find(std::begin(kBlocks), std::end(kBlocks), name) != std::end(kBlocks);
}

// A character reference at the start of `text` ("&amp;", "&#233;", "&#xE9;"): the UTF-8 it
// stands for and its length, or an empty result when it is not one this reader knows.
std::pair<std::string, std::size_t> character_reference(std::string_view text) {
    const std::size_t semicolon = text.substr(0, 10).find(';');
    if (semicolon == std::string_view::npos) {
        return {};
    }
    const std::string_view name = text.substr(1, semicolon - 1);
    static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", " "}};
    for (const auto& [entity, text_of] : kNamed) {
        if (name == entity) {
            return {std::string(text_of), semicolon + 1};
        }
    }
    if (name.size() < 2 || name[0] != '#') {
        return {};
    }
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const std::string digits(name.substr(hex ? 2 : 1));
    char* end = nullptr;
    const unsigned long code = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
    if (digits.empty() || *end != '\0' || code == 0 || !g_unichar_validate(code)) {
        return {};
    }
    char utf8[6];
    return {std::string(utf8, g_unichar_to_utf8(static_cast<gunichar>(code), utf8)), semicolon + 1};
}

// The text a reader sees in an HTML document, well enough for searching: one pass, each
// construct looked for once, so hostile markup costs linear time.
std::string html_text(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    std::size_t pos = 0;
    while (pos < html.size()) {
        const char c = html[pos];
        if (c == '&') {
            auto [text, length] = character_reference(html.substr(pos));
            if (length > 0) {
                out += text;
                pos += length;
                continue;
            }
            out.push_back(c);
            ++pos;
            continue;
        }
        // HTML §13.2.5.6: only "<" before a letter, "/", "!" or "?" opens markup.
        const bool markup = c == '<' && pos + 1 < html.size() &&
                            (g_ascii_isalpha(html[pos + 1]) || html[pos + 1] == '/' ||
                             html[pos + 1] == '!' || html[pos + 1] == '?');
        if (!markup) {
            out.push_back(c);
            ++pos;
            continue;
        }
        const std::string_view rest = html.substr(pos);
        if (rest.substr(0, 4) == "<!--") {
            const std::size_t end = html.find("-->", pos + 4);
            pos = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        const std::size_t close = html.find('>', pos);
        if (close == std::string_view::npos) {  // not markup: the rest is text
            out.append(rest);
            break;
        }
        std::size_t name_begin = pos + 1 + (rest.size() > 1 && rest[1] == '/');
        std::size_t name_end = name_begin;
        while (name_end < close && g_ascii_isalnum(html[name_end])) {
            ++name_end;
        }
        const std::string name = lower_ascii(html.substr(name_begin, name_end - name_begin));
        pos = close + 1;
        if ((name == "script" || name == "style") && rest[1] != '/') {
            // Their content is not text; it ends at the matching end tag.
            const std::string end_tag = "</" + name;
            std::size_t end = pos;
            while (end < html.size() && !starts_with_ignoring_case(html.substr(end), end_tag)) {
                end = html.find('<', end + 1);
                end = end == std::string_view::npos ? html.size() : end;
            }
            pos = end;
        } else if (is_block_element(name) && !out.empty() && out.back() != '\n') {
            out.push_back('\n');
        }
    }
    return out;
}

std::string header_text(std::string_view raw, std::size_t begin, std::size_t end) {
    std::string out;
    for (const HeaderField& field : read_header_block(raw, begin, end).fields) {
        out += utf8_or_latin1(field.name);
        out += ": ";
        out += decode_header_text(unfold(field.raw_value));
        out += '\n';
        if (out.size() >= kMaxSearchableText) {
            break;
        }
    }
    return out;
}

class BodyText {
  public:
    explicit BodyText(std::string_view raw) : raw_(raw) {}

    // Parts in document order; the summary bounds the depth.
    void add(const BodyPart& part) {
        if (full()) {
            return;
        }
        if (part.envelope && part.children.size() == 1) {
            const BodyPart& message = part.children.front();
            text_ +=
                header_text(raw_, message.header_offset, message.body_offset + message.body_size);
            add(message);
        } else if (part.is_multipart()) {
            for (const BodyPart& child : part.children) {
                add(child);
            }
        } else if (part.type == "text") {
            add_text(part);
        }
    }

    std::string take() {
        truncate_utf8(text_, kMaxSearchableText);
        return std::move(text_);
    }

  private:
    bool full() const { return text_.size() >= kMaxSearchableText; }

    void add_text(const BodyPart& part) {
        const std::size_t room = kMaxSearchableText - text_.size();
        // Decoding never shrinks text by more than a factor of 3 (quoted-printable's "=XX"), so
        // this much input fills the room.
        const std::string_view encoded =
            raw_.substr(part.body_offset, std::min<std::uint64_t>(part.body_size, 3 * room + 4));
        const std::string decoded = decode_transfer_encoding(encoded, part.encoding);
        const auto charset =
            std::find_if(part.params.begin(), part.params.end(),
                         [](const auto& param) { return param.first == "charset"; });
        std::string text =
            to_utf8(decoded, charset == part.params.end() ? "" : charset->second, room);
        if (part.subtype == "html") {
            text = html_text(text);
        }
        std::replace(text.begin(), text.end(), '\0', ' ');  // not text, and ends C strings
        text_ += text;
        text_ += '\n';
    }

    std::string_view raw_;
    std::string text_;
};

}  // namespace

std::string decode_header_text(std::string_view unfolded) {
    initialize_gmime();
    // A NUL would end the C string early; nothing after one is text anyway.
    const std::string value(unfolded.substr(0, unfolded.find('\0')));
    std::unique_ptr<char, GFree> decoded(g_mime_utils_header_decode_text(nullptr, value.c_str()));
    // GMime converts 8-bit octets through its fallback charsets (UTF-8, then ISO-8859-1).
    return decoded ? utf8_or_latin1(decoded.get()) : std::string();
}

SearchableText searchable_text(std::string_view raw) {
    SearchableText out;
    out.headers = header_text(raw, 0, raw.size());
    truncate_utf8(out.headers, kMaxSearchableText);
    BodyText body(raw);
    body.add(summarize(raw).root);
    out.body = body.take();
    return out;
}

}  // namespace sealbox::mime

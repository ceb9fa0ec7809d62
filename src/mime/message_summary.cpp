// summarize(): the MIME tree with exact offsets. The framing (where headers end, where boundaries
// are) is found here, following GMime's rules; the fields themselves are parsed by GMime.

#include "mime/message_summary.h"

#include <algorithm>
#include <cstring>

#include "mime/field_parser.h"
#include "mime/header_block.h"

namespace sealbox::mime {

namespace {

struct Range {
    std::size_t begin;
    std::size_t end;
};

enum class Delimiter { none, part, close };

bool is_padding(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// RFC 2046 §5.1.1: "--" boundary, optionally "--" for the close delimiter, then transport
// padding. Like GMime, a line that merely starts with the boundary is not a delimiter, so an
// inner boundary that extends the outer one (a common mistake) still nests.
Delimiter delimiter_kind(std::string_view line, std::string_view boundary) {
    if (line.size() < boundary.size() + 2 || line[0] != '-' || line[1] != '-' ||
        line.substr(2, boundary.size()) != boundary) {
        return Delimiter::none;
    }
    std::string_view rest = line.substr(boundary.size() + 2);
    Delimiter kind = Delimiter::part;
    if (rest.substr(0, 2) == "--") {
        kind = Delimiter::close;
        rest.remove_prefix(2);
    }
    return std::all_of(rest.begin(), rest.end(), is_padding) ? kind : Delimiter::none;
}

// The body parts of a multipart body: each runs from just after a delimiter line to just before
// the line break that precedes the next delimiter, which belongs to that delimiter (RFC 2046
// §5.1.1). Without a close delimiter the last part runs to the end of the body. The preamble and
// epilogue belong to no part. Each line is compared with the boundary no further than its own
// length, so the scan is linear in the body.
std::vector<Range> body_parts(std::string_view raw, Range body, std::string_view boundary) {
    std::vector<Range> parts;
    std::size_t part_begin = std::string_view::npos;  // npos while in the preamble
    for (std::size_t pos = body.begin; pos < body.end;) {
        const void* lf = std::memchr(raw.data() + pos, '\n', body.end - pos);
        const std::size_t line_end =
            lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - raw.data()) : body.end;
        const Delimiter kind = delimiter_kind(raw.substr(pos, line_end - pos), boundary);
        if (kind != Delimiter::none) {
            if (part_begin != std::string_view::npos) {
                std::size_t part_end = pos;  // pos > body.begin here, after an LF
                if (part_end > part_begin && raw[part_end - 1] == '\n') {
                    --part_end;
                }
                if (part_end > part_begin && raw[part_end - 1] == '\r') {
                    --part_end;
                }
                parts.push_back({part_begin, part_end});
            }
            if (kind == Delimiter::close) {
                return parts;
            }
            part_begin = lf ? line_end + 1 : body.end;
        }
        pos = lf ? line_end + 1 : body.end;
    }
    if (part_begin != std::string_view::npos) {
        parts.push_back({part_begin, body.end});
    }
    return parts;
}

// RFC 9051 §7.5.2 body-fld-lines: an unterminated last line counts as a line.
std::uint64_t count_lines(std::string_view body) {
    const auto breaks = static_cast<std::uint64_t>(std::count(body.begin(), body.end(), '\n'));
    return breaks + (!body.empty() && body.back() != '\n' ? 1 : 0);
}

std::string lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return text;
}

// The mechanism token alone: some mailers append comments or junk after it.
std::string transfer_encoding(const std::string& value) {
    std::string token = lower(value.substr(0, value.find_first_of(" \t(;")));
    return token.empty() ? "7bit" : token;
}

// RFC 3282: a comma-separated list of language tags.
std::vector<std::string> languages(const std::string& value) {
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

const std::string* find_param(const Parameters& params, std::string_view name) {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return &value;
        }
    }
    return nullptr;
}

bool has_attachment(const BodyPart& part) {
    if (!part.is_multipart()) {
        if (part.disposition == "attachment") {
            return true;
        }
        const bool named =
            find_param(part.disposition_params, "filename") || find_param(part.params, "name");
        if (part.type != "text" && named) {
            return true;
        }
    }
    return std::any_of(part.children.begin(), part.children.end(),
                       [](const BodyPart& child) { return has_attachment(child); });
}

class Summarizer {
  public:
    explicit Summarizer(std::string_view raw) : raw_(raw) {}

    MessageSummary summary() {
        MessageSummary out;
        const HeaderBlock header = read_header_block(raw_, 0, raw_.size());
        out.envelope = envelope(header);
        out.references = fields_.message_ids(header.value("references"));
        out.root = part(header, {0, raw_.size()}, 0, "text");
        out.has_attachment = has_attachment(out.root);
        return out;
    }

  private:
    Envelope envelope(const HeaderBlock& header) {
        return {header.value("date"),
                header.value("subject"),
                fields_.addresses(header.value("from")),
                fields_.addresses(header.value("sender")),
                fields_.addresses(header.value("reply-to")),
                fields_.addresses(header.value("to")),
                fields_.addresses(header.value("cc")),
                fields_.addresses(header.value("bcc")),
                header.value("in-reply-to"),
                header.value("message-id")};
    }

    // `default_type` is "text" (RFC 2045 §5.2) or, inside multipart/digest, "message" (RFC 2046
    // §5.1.5); it also stands for an invalid Content-Type.
    BodyPart part(const HeaderBlock& header, Range whole, int depth, std::string_view default_type) {
        BodyPart p;
        p.header_offset = whole.begin;
        p.header_size = header.end - whole.begin;
        p.body_offset = header.end;
        p.body_size = whole.end - header.end;

        if (auto media = fields_.content_type(header.value("content-type"))) {
            p.type = std::move(media->type);
            p.subtype = std::move(media->subtype);
            p.params = std::move(media->params);
        } else if (default_type == "message") {
            p.type = "message";
            p.subtype = "rfc822";
        }
        p.content_id = header.value("content-id");
        p.description = header.value("content-description");
        p.encoding = transfer_encoding(header.value("content-transfer-encoding"));
        p.md5 = header.value("content-md5");
        const std::string disposition = header.value("content-disposition");
        if (!disposition.empty()) {
            Disposition parsed = fields_.content_disposition(disposition);
            p.disposition = std::move(parsed.type);
            p.disposition_params = std::move(parsed.params);
        }
        p.language = languages(header.value("content-language"));
        p.location = header.value("content-location");

        const Range body{header.end, whole.end};
        const bool encapsulated = p.type == "message" &&
                                  (p.subtype == "rfc822" || p.subtype == "global");
        if (p.type == "text" || encapsulated) {
            p.body_lines = count_lines(raw_.substr(body.begin, body.end - body.begin));
        }
        // RFC 2045 §6.4: a composite entity is only ever 7bit, 8bit or binary; anything else
        // cannot be looked into, so it stays a leaf, as it does past the depth limit.
        const bool identity =
            p.encoding == "7bit" || p.encoding == "8bit" || p.encoding == "binary";
        if (depth >= kMaxDepth || !identity) {
            return p;
        }
        if (p.is_multipart()) {
            const std::string* boundary = find_param(p.params, "boundary");
            if (boundary && !boundary->empty()) {
                const std::string_view child_type = p.subtype == "digest" ? "message" : "text";
                for (Range child : body_parts(raw_, body, *boundary)) {
                    const HeaderBlock child_header = read_header_block(raw_, child.begin, child.end);
                    p.children.push_back(part(child_header, child, depth + 1, child_type));
                }
            }
        } else if (encapsulated) {
            const HeaderBlock message_header = read_header_block(raw_, body.begin, body.end);
            p.envelope = envelope(message_header);
            p.children.push_back(part(message_header, body, depth + 1, "text"));
        }
        return p;
    }

    std::string_view raw_;
    FieldParser fields_;
};

}  // namespace

MessageSummary summarize(std::string_view raw) { return Summarizer(raw).summary(); }

}  // namespace sealbox::mime

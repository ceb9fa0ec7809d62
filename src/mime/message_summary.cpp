// summarize(): the MIME tree with exact offsets. The framing (where headers end, where boundaries
// are) is found here, since GMime does not expose it for every entity; boundary lines are
// recognised as GMime recognises them. Header fields are parsed by field_parser.

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

bool is_padding(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

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

// Counts LFs eight octets at a time: nested messages are counted once per level, and a plain
// loop over octets is not vectorized at -O2.
std::uint64_t count_line_feeds(std::string_view text) {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7f;
    constexpr std::uint64_t kEvenOctets = 0x00ff00ff00ff00ff;
    std::uint64_t count = 0;
    std::size_t pos = 0;
    while (text.size() - pos >= 8) {
        std::uint64_t lanes = 0;  // a count per octet lane, each at most 255
        for (int round = 0; round < 255 && text.size() - pos >= 8; ++round, pos += 8) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + pos, 8);
            const std::uint64_t zero_where_lf = word ^ (kOnes * '\n');
            // The top bit of each octet of `nonzero` says whether that octet of
            // zero_where_lf is nonzero, without carries crossing octets.
            const std::uint64_t nonzero = ((zero_where_lf & kLow7) + kLow7) | zero_where_lf;
            lanes += (~nonzero >> 7) & kOnes;
        }
        const std::uint64_t pairs = (lanes & kEvenOctets) + ((lanes >> 8) & kEvenOctets);
        count += (pairs * 0x0001000100010001) >> 48;  // sums the four 16-bit lanes
    }
    for (; pos < text.size(); ++pos) {
        count += text[pos] == '\n';
    }
    return count;
}

// RFC 9051 §7.5.2 body-fld-lines: an unterminated last line counts as a line.
std::uint64_t count_lines(std::string_view body) {
    return count_line_feeds(body) + (!body.empty() && body.back() != '\n' ? 1 : 0);
}

const std::string* find_param(const Parameters& params, std::string_view name) {
    for (const auto& [key, value] : params) {
        if (key == name) {
            return &value;
        }
    }
    return nullptr;
}

// What a mail client would list as a file: a part marked as an attachment, or a named part that
// is neither text nor a multipart. Parts inside attached messages count too.
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

Envelope envelope(const HeaderBlock& header) {
    return {header.value("date"),
            header.value("subject"),
            parse_address_list(header.value("from")),
            parse_address_list(header.value("sender")),
            parse_address_list(header.value("reply-to")),
            parse_address_list(header.value("to")),
            parse_address_list(header.value("cc")),
            parse_address_list(header.value("bcc")),
            header.value("in-reply-to"),
            header.value("message-id")};
}

// The fields a part's header describes it with; everything but its place in the message. Without
// a valid Content-Type a part is text/plain (RFC 2045 §5.2), or message/rfc822 in a
// multipart/digest (RFC 2046 §5.1.5).
BodyPart described_part(const HeaderBlock& header, bool in_digest) {
    BodyPart p;
    if (auto media = parse_content_type(header.value("content-type"))) {
        p.type = std::move(media->type);
        p.subtype = std::move(media->subtype);
        p.params = std::move(media->params);
    } else if (in_digest) {
        p.type = "message";
        p.subtype = "rfc822";
    }
    p.content_id = header.value("content-id");
    p.description = header.value("content-description");
    p.encoding = parse_transfer_encoding(header.value("content-transfer-encoding"));
    p.md5 = header.value("content-md5");
    const std::string disposition = header.value("content-disposition");
    if (!disposition.empty()) {
        Disposition parsed = parse_content_disposition(disposition);
        p.disposition = std::move(parsed.type);
        p.disposition_params = std::move(parsed.params);
    }
    p.language = parse_languages(header.value("content-language"));
    p.location = header.value("content-location");
    return p;
}

// Like Dovecot's max_total_mime_parts: GMime takes microseconds per Content-Type, so a message
// of tiny parts could otherwise cost seconds. A composite part whose children would pass the
// limit stays a leaf, so every octet still belongs to some part.
constexpr std::size_t kMaxParts = 10000;

class Summarizer {
  public:
    explicit Summarizer(std::string_view raw) : raw_(raw) {}

    MessageSummary summary() {
        MessageSummary out;
        const HeaderBlock header = read_header_block(raw_, 0, raw_.size());
        out.envelope = envelope(header);
        out.references = parse_message_ids(header.value("references"));
        out.root = part(header, {0, raw_.size()}, 0, false);
        out.has_attachment = has_attachment(out.root);
        return out;
    }

  private:
    BodyPart part(const HeaderBlock& header, Range whole, int depth, bool in_digest) {
        BodyPart p = described_part(header, in_digest);
        p.header_offset = whole.begin;
        p.header_size = header.end - whole.begin;
        p.body_offset = header.end;
        p.body_size = whole.end - header.end;
        const Range body{header.end, whole.end};
        const bool encapsulated =
            p.type == "message" && (p.subtype == "rfc822" || p.subtype == "global");
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
            if (!boundary || boundary->empty()) {
                return p;
            }
            const std::vector<Range> children = body_parts(raw_, body, *boundary);
            if (!take_parts(children.size())) {
                return p;
            }
            const bool digest = p.subtype == "digest";
            p.children.reserve(children.size());
            for (Range child : children) {
                const HeaderBlock child_header = read_header_block(raw_, child.begin, child.end);
                p.children.push_back(part(child_header, child, depth + 1, digest));
            }
        } else if (encapsulated && take_parts(1)) {
            const HeaderBlock message_header = read_header_block(raw_, body.begin, body.end);
            p.envelope = envelope(message_header);
            p.children.push_back(part(message_header, body, depth + 1, false));
        }
        return p;
    }

    bool take_parts(std::size_t count) {
        if (count > kMaxParts - parts_) {
            return false;
        }
        parts_ += count;
        return true;
    }

    std::string_view raw_;
    std::size_t parts_ = 1;  // the root
};

}  // namespace

MessageSummary summarize(std::string_view raw) {
    return Summarizer(raw).summary();
}

}  // namespace sealbox::mime

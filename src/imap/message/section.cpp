// BODY[section] (RFC 9051 §6.4.5): the octets of a part, its header or its text, cut from the
// raw message at the offsets the summary recorded.

#include <algorithm>

#include "imap/message/parts.h"
#include "imap/message/render.h"
#include "imap/proto/chars.h"
#include "mime/header_block.h"

namespace sealbox::imap {

namespace {

// Part `number` of the body of `entity` (a message or a part): the Nth child of a multipart;
// of anything else, only part 1 exists, the entity itself.
const mime::BodyPart* numbered_part(const mime::BodyPart& entity, std::uint32_t number) {
    if (entity.is_multipart()) {
        return number >= 1 && number <= entity.children.size() ? &entity.children[number - 1]
                                                               : nullptr;
    }
    return number == 1 ? &entity : nullptr;
}

std::string_view header_of(std::string_view raw, const mime::BodyPart& entity) {
    return cut(raw, entity.header_offset, entity.header_size);
}

std::string_view body_of(std::string_view raw, const mime::BodyPart& entity) {
    return cut(raw, entity.body_offset, entity.body_size);
}

// Whether a header ends with the blank line that separates it from the body. It does not when
// the message is all header, without even a final blank line.
bool has_blank_line(std::string_view header) {
    return header.empty() || header == "\n" || header == "\r\n" || header.ends_with("\n\n") ||
           header.ends_with("\n\r\n");
}

// HEADER.FIELDS / HEADER.FIELDS.NOT: the chosen fields as written (folding kept), each with its
// line break, then the blank line, even when nothing matched. RFC 9051 §6.4.5: "the blank line
// is included in all header fetches, except in the case of a message that has no body and no
// blank line".
std::string header_fields(std::string_view header, const std::vector<std::string>& names,
                          bool matching) {
    const mime::HeaderBlock block = mime::read_header_block(header, 0, header.size());
    std::string out;
    for (const mime::HeaderField& field : block.fields) {
        const bool listed = std::any_of(names.begin(), names.end(), [&](const std::string& name) {
            return chars::iequals(field.name, name);
        });
        if (listed != matching) {
            continue;
        }
        const std::size_t begin = static_cast<std::size_t>(field.name.data() - header.data());
        std::size_t end = static_cast<std::size_t>(field.raw_value.data() + field.raw_value.size() -
                                                   header.data());
        if (header.substr(end, 2) == "\r\n") {
            end += 2;
        } else if (header.substr(end, 1) == "\n") {
            end += 1;
        }
        out.append(header.substr(begin, end - begin));
        if (out.back() != '\n') {
            out += "\r\n";  // the last line of a header that had no line break at all
        }
    }
    if (has_blank_line(header)) {
        out += "\r\n";
    }
    return out;
}

// What HEADER, HEADER.FIELDS(.NOT) and TEXT take from a message whose root part is `message`.
std::string message_text(std::string_view raw, const mime::BodyPart& message,
                         const Section& section) {
    using Text = Section::Text;
    switch (section.text) {
        case Text::header:
            return std::string(header_of(raw, message));
        case Text::header_fields:
        case Text::header_fields_not:
            return header_fields(header_of(raw, message), section.fields,
                                 section.text == Text::header_fields);
        case Text::text:
            return std::string(body_of(raw, message));
        case Text::all:
        case Text::mime:
            break;
    }
    return {};
}

}  // namespace

// RFC 9051 §6.4.5: the first number picks a part of the message's body; each further number
// picks a part of a multipart's body or of the body of the message a message/rfc822 part
// encapsulates.
const mime::BodyPart* find_part(const mime::BodyPart& root,
                                const std::vector<std::uint32_t>& part) {
    const mime::BodyPart* current = &root;
    for (std::size_t i = 0; i < part.size() && current; ++i) {
        if (i == 0 || current->is_multipart()) {
            current = numbered_part(*current, part[i]);
        } else if (is_encapsulated(*current) && !current->children.empty()) {
            current = numbered_part(current->children.front(), part[i]);
        } else {
            current = nullptr;
        }
    }
    return current;
}

std::string section_content(std::string_view raw, const mime::MessageSummary& summary,
                            const Section& section) {
    using Text = Section::Text;
    if (section.part.empty()) {
        if (section.text == Text::all) {
            return std::string(raw);
        }
        return message_text(raw, summary.root, section);
    }
    const mime::BodyPart* part = find_part(summary.root, section.part);
    if (!part) {
        return {};
    }
    switch (section.text) {
        case Text::all:
            return std::string(body_of(raw, *part));
        case Text::mime:
            return std::string(header_of(raw, *part));
        default:
            // HEADER and TEXT after a part number are only for message/rfc822 parts: they
            // address the encapsulated message (RFC 9051 §6.4.5).
            if (!is_encapsulated(*part) || part->children.empty()) {
                return {};
            }
            return message_text(raw, part->children.front(), section);
    }
}

std::string_view apply_partial(std::string_view data, const std::optional<Partial>& partial) {
    if (!partial) {
        return data;
    }
    // RFC 9051 §6.4.5: a start past the end gives an empty string; a count past the end gives
    // what there is.
    return cut(data, partial->offset, partial->count);
}

}  // namespace sealbox::imap

// BODY and BODYSTRUCTURE (RFC 9051 §7.5.2, grammar in §9) from the summary's body tree.

#include "imap/message/parts.h"
#include "imap/message/render.h"
#include "imap/message/write_fields.h"
#include "imap/proto/chars.h"

namespace sealbox::imap {

namespace {

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = chars::to_upper(c);
    }
    return out;
}

// The summary keeps media types, encodings and parameter names lower-case; they go out
// upper-case as in RFC 9051's examples. Clients compare them without regard to case.
void write_upper(std::string& out, std::string_view text, bool utf8) {
    write_field(out, upper(text), utf8);
}

// body-fld-param = "(" string SP string *(SP string SP string) ")" / nil
void write_params(std::string& out, const mime::Parameters& params, bool utf8) {
    if (params.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (i > 0) {
            out += ' ';
        }
        write_upper(out, params[i].first, utf8);
        out += ' ';
        write_field(out, params[i].second, utf8);
    }
    out += ')';
}

// body-fld-dsp = "(" string SP body-fld-param ")" / nil
void write_disposition(std::string& out, const mime::BodyPart& part, bool utf8) {
    if (part.disposition.empty()) {
        out += "NIL";
        return;
    }
    out += '(';
    write_upper(out, part.disposition, utf8);
    out += ' ';
    write_params(out, part.disposition_params, utf8);
    out += ')';
}

// SP body-fld-dsp SP body-fld-lang SP body-fld-loc, the tail shared by body-ext-1part and
// body-ext-mpart. body-fld-lang = nstring / "(" string *(SP string) ")": always the list form.
void write_extension_tail(std::string& out, const mime::BodyPart& part, bool utf8) {
    out += ' ';
    write_disposition(out, part, utf8);
    out += ' ';
    if (part.language.empty()) {
        out += "NIL";
    } else {
        out += '(';
        for (std::size_t i = 0; i < part.language.size(); ++i) {
            if (i > 0) {
                out += ' ';
            }
            write_field(out, part.language[i], utf8);
        }
        out += ')';
    }
    out += ' ';
    write_nil_if_empty(out, part.location, utf8);
}

// body-fields = body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP
//               body-fld-octets
void write_body_fields(std::string& out, const mime::BodyPart& part, bool utf8) {
    write_params(out, part.params, utf8);
    out += ' ';
    write_nil_if_empty(out, part.content_id, utf8);
    out += ' ';
    write_nil_if_empty(out, part.description, utf8);
    out += ' ';
    write_upper(out, part.encoding, utf8);
    out += ' ';
    out += std::to_string(part.body_size);
}

// Stands in where the grammar needs a body the summary does not have: a multipart without
// parts (RFC 9051 §9 body-type-mpart is 1*body) or a message/rfc822 part left unparsed (past
// the depth limit or under a non-identity encoding). A default part is an empty text/plain, as
// BODY[] of the part it numbers is empty.
const mime::BodyPart kEmptyBody;
const mime::Envelope kEmptyEnvelope;

void write_body(std::string& out, const mime::BodyPart& part, bool extensible, bool utf8) {
    out += '(';
    if (part.is_multipart()) {
        // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
        if (part.children.empty()) {
            write_body(out, kEmptyBody, extensible, utf8);
        }
        for (const mime::BodyPart& child : part.children) {
            write_body(out, child, extensible, utf8);
        }
        out += ' ';
        write_upper(out, part.subtype, utf8);
        if (extensible) {
            out += ' ';
            write_params(out, part.params, utf8);
            write_extension_tail(out, part, utf8);
        }
        out += ')';
        return;
    }

    write_upper(out, part.type, utf8);
    out += ' ';
    write_upper(out, part.subtype, utf8);
    out += ' ';
    write_body_fields(out, part, utf8);
    const bool encapsulated = is_encapsulated(part);
    if (encapsulated) {
        // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines
        out += ' ';
        write_envelope(out, part.envelope ? *part.envelope : kEmptyEnvelope, utf8);
        out += ' ';
        write_body(out, part.children.empty() ? kEmptyBody : part.children.front(), extensible,
                   utf8);
    }
    if (encapsulated || part.type == "text") {
        out += ' ';
        out += std::to_string(part.body_lines);
    }
    if (extensible) {
        // body-ext-1part = body-fld-md5 [SP body-fld-dsp [SP body-fld-lang [SP body-fld-loc]]]
        out += ' ';
        write_nil_if_empty(out, part.md5, utf8);
        write_extension_tail(out, part, utf8);
    }
    out += ')';
}

}  // namespace

void write_body_structure(std::string& out, const mime::BodyPart& root, bool extensible,
                          bool utf8) {
    write_body(out, root, extensible, utf8);
}

}  // namespace sealbox::imap

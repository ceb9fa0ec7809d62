#include "imap/proto/fetch_attribute.h"

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

using Kind = FetchAttribute::Kind;

FetchAttribute simple(Kind kind) {
    FetchAttribute a;
    a.kind = kind;
    return a;
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = chars::to_upper(c);
    }
    return out;
}

// header-list = "(" header-fld-name *(SP header-fld-name) ")"; header-fld-name = astring
std::vector<std::string> header_list(Lexer& lexer) {
    std::vector<std::string> fields;
    lexer.open_paren();
    do {
        fields.push_back(upper(lexer.astring()));
    } while (lexer.take(' '));
    lexer.close_paren();
    return fields;
}

// section = "[" [section-spec] "]"; section-part = nz-number *("." nz-number)
Section section(Lexer& lexer, bool binary) {
    Section s;
    lexer.expect('[', "\"[\"");
    if (lexer.take(']')) {
        return s;
    }
    while (chars::is_digit(lexer.peek())) {
        s.part.push_back(lexer.nz_number());
        if (!lexer.take('.')) {
            lexer.expect(']', "\"]\"");
            return s;
        }
    }
    if (binary) {  // section-binary = "[" [section-part] "]" (RFC 3516 §4.1)
        throw SyntaxError("BINARY takes only a part number");
    }
    std::string word = upper(lexer.atom());
    if (word == "HEADER") {
        s.text = Section::Text::header;
    } else if (word == "HEADER.FIELDS" || word == "HEADER.FIELDS.NOT") {
        s.text = word == "HEADER.FIELDS" ? Section::Text::header_fields
                                         : Section::Text::header_fields_not;
        lexer.sp();
        s.fields = header_list(lexer);
    } else if (word == "TEXT") {
        s.text = Section::Text::text;
    } else if (word == "MIME" && !s.part.empty()) {  // section-text allows MIME only after a part
        s.text = Section::Text::mime;
    } else {
        throw SyntaxError("Unknown section " + word);
    }
    lexer.expect(']', "\"]\"");
    return s;
}

// partial = "<" number64 "." nz-number64 ">" (RFC 9051 §9)
std::optional<Partial> partial(Lexer& lexer) {
    if (!lexer.take('<')) {
        return std::nullopt;
    }
    Partial p;
    p.offset = lexer.number64();
    lexer.expect('.', "\".\" in a partial range");
    p.count = lexer.nz_number64();
    lexer.expect('>', "\">\"");
    return p;
}

// A fetch-att's name: letters, digits, dots and dashes. "[" is an ATOM-CHAR, so atom() would run on
// into the section.
std::string attribute_name(Lexer& lexer) {
    std::string name;
    while (true) {
        char c = lexer.peek();
        if (!(chars::is_digit(c) || c == '.' || c == '-' || (c >= 'A' && c <= 'Z') ||
              (c >= 'a' && c <= 'z'))) {
            break;
        }
        name += chars::to_upper(c);
        lexer.take(c);
    }
    if (name.empty()) {
        throw SyntaxError("Expected a FETCH data item at position " +
                          std::to_string(lexer.position()));
    }
    return name;
}

FetchAttribute named(Lexer& lexer, const std::string& name) {
    if (name == "ENVELOPE")
        return simple(Kind::envelope);
    if (name == "FLAGS")
        return simple(Kind::flags);
    if (name == "INTERNALDATE")
        return simple(Kind::internal_date);
    if (name == "RFC822.SIZE")
        return simple(Kind::rfc822_size);
    if (name == "RFC822")
        return simple(Kind::rfc822);
    if (name == "RFC822.HEADER")
        return simple(Kind::rfc822_header);
    if (name == "RFC822.TEXT")
        return simple(Kind::rfc822_text);
    if (name == "BODYSTRUCTURE")
        return simple(Kind::body_structure);
    if (name == "UID")
        return simple(Kind::uid);
    if (name == "MODSEQ")
        return simple(Kind::modseq);  // RFC 7162 §3.1.4.1
    if (name == "EMAILID")
        return simple(Kind::email_id);  // RFC 8474 §5.1
    if (name == "THREADID")
        return simple(Kind::thread_id);  // RFC 8474 §5.2
    if (name == "BODY" && lexer.peek() != '[')
        return simple(Kind::body);
    FetchAttribute a;
    if (name == "BODY" || name == "BODY.PEEK") {
        a.kind = Kind::body_section;
        a.peek = name == "BODY.PEEK";
        a.section = section(lexer, false);
        a.partial = partial(lexer);
        return a;
    }
    if (name == "BINARY" || name == "BINARY.PEEK") {  // RFC 3516 §4.1
        a.kind = Kind::binary;
        a.peek = name == "BINARY.PEEK";
        a.section = section(lexer, true);
        a.partial = partial(lexer);
        return a;
    }
    if (name == "BINARY.SIZE") {
        a.kind = Kind::binary_size;
        a.section = section(lexer, true);
        return a;
    }
    throw SyntaxError("Unknown FETCH data item " + name);
}

}  // namespace

std::vector<FetchAttribute> parse_fetch_attributes(Lexer& lexer) {
    std::vector<FetchAttribute> out;
    if (lexer.peek() == '(') {
        lexer.open_paren();
        do {
            out.push_back(named(lexer, attribute_name(lexer)));
        } while (lexer.take(' '));
        lexer.close_paren();
        return out;
    }
    std::string name = attribute_name(lexer);
    // RFC 9051 §6.4.5: the macros, which cannot appear inside a list.
    if (name == "ALL" || name == "FAST" || name == "FULL") {
        out = {simple(Kind::flags), simple(Kind::internal_date), simple(Kind::rfc822_size)};
        if (name != "FAST") {
            out.push_back(simple(Kind::envelope));
        }
        if (name == "FULL") {
            out.push_back(simple(Kind::body));
        }
        return out;
    }
    out.push_back(named(lexer, name));
    return out;
}

}  // namespace sealbox::imap

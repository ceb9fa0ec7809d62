#pragma once
// FETCH data items as requested (RFC 9051 §6.4.5, RFC 3501 §6.4.5 for the RFC822 forms,
// RFC 3516 §4 for BINARY, RFC 7162 §3.1.4 for MODSEQ).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imap/proto/lexer.h"

namespace sealbox::imap {

// section-spec (RFC 9051 §9): a MIME part path and what to take from it.
struct Section {
    enum class Text { all, header, header_fields, header_fields_not, text, mime };
    std::vector<std::uint32_t> part;  // "1.2.3"; empty for the whole message
    Text text = Text::all;
    std::vector<std::string> fields;  // HEADER.FIELDS (.NOT), upper-cased
    bool operator==(const Section&) const = default;
};

struct Partial {  // "<offset.count>"
    std::uint64_t offset = 0;
    std::uint64_t count = 0;
    bool operator==(const Partial&) const = default;
};

struct FetchAttribute {
    enum class Kind {
        envelope,
        flags,
        internal_date,
        rfc822_size,
        rfc822,         // = BODY[]
        rfc822_header,  // = BODY.PEEK[HEADER]
        rfc822_text,    // = BODY[TEXT]
        body,           // BODY without a section: the non-extensible BODYSTRUCTURE
        body_structure,
        uid,
        body_section,  // BODY[...] / BODY.PEEK[...]
        binary,        // BINARY[...] / BINARY.PEEK[...]; section holds only the part
        binary_size,
        modseq,
        email_id,   // RFC 8474 §5.1 EMAILID
        thread_id,  // RFC 8474 §5.2 THREADID
    };
    Kind kind = Kind::flags;
    Section section;
    bool peek = false;
    std::optional<Partial> partial;
    bool operator==(const FetchAttribute&) const = default;
};

// Reads "ALL" / "FAST" / "FULL" / fetch-att / "(" fetch-att *(SP fetch-att) ")", macros
// expanded (RFC 9051 §6.4.5).
std::vector<FetchAttribute> parse_fetch_attributes(Lexer& lexer);

}  // namespace sealbox::imap

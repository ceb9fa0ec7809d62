#pragma once
// Writers for the header-derived strings of ENVELOPE and BODYSTRUCTURE (internal to
// imap/message).

#include <string>
#include <string_view>

#include "imap/proto/string_writer.h"

namespace sealbox::imap {

// A string taken from a header. RFC 9051 §9 allows no NUL in any string (CHAR8 is %x01-ff,
// TEXT-CHAR excludes it), and a header holding one is broken anyway, so NULs are dropped.
inline void write_field(std::string& out, std::string_view text, bool utf8) {
    if (text.find('\0') == std::string_view::npos) {
        write_string(out, text, utf8);
        return;
    }
    std::string clean(text);
    std::erase(clean, '\0');
    write_string(out, clean, utf8);
}

// The summary keeps absent fields as empty strings; IMAP sends them as NIL.
inline void write_nil_if_empty(std::string& out, std::string_view text, bool utf8) {
    if (text.empty()) {
        out += "NIL";
    } else {
        write_field(out, text, utf8);
    }
}

}  // namespace sealbox::imap

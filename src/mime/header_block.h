#pragma once
// The header block of one MIME entity: where it ends and the raw text of each field. Kept apart
// from GMime because IMAP needs exact byte offsets (BODY[n.MIME], BODY[n.TEXT]), which GMime's
// parser does not expose for every entity.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mime {

struct HeaderField {
    std::string_view name;       // as written, without the colon or any blanks before it
    std::string_view raw_value;  // after the colon, still folded, without the final line break
};

struct HeaderBlock {
    std::vector<HeaderField> fields;
    std::size_t end = 0;  // offset of the first body octet, just past the blank line if any

    // The first field called `name` (ASCII case-insensitive), unfolded and trimmed; empty when
    // absent.
    std::string value(std::string_view name) const;
};

// Reads the header starting at `begin`, never past `end`. Lines end in LF or CRLF. A line that is
// neither a field nor a continuation is skipped, as GMime does; but when no field precedes the
// first blank line the entity has no header at all, and its body starts at `begin` (a message
// that is only text is one text/plain body).
HeaderBlock read_header_block(std::string_view raw, std::size_t begin, std::size_t end);

// RFC 5322 §2.2.3: unfolding removes each line break that precedes a blank, keeping the blank;
// the result is trimmed of blanks at both ends.
std::string unfold(std::string_view raw_value);

}  // namespace sealbox::mime

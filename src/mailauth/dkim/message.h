#pragma once
// A message as DKIM sees it: its header fields in order, each kept byte for byte, and its body
// (RFC 6376 §3.4, §5.4.2). ARC (RFC 8617 §5.1.1) selects and hashes header fields through the
// same functions. Pure.

#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mailauth::dkim {

struct HeaderField {
    std::string name;  // as written before the colon, surrounding whitespace removed
    std::string text;  // the whole field, name through the final CRLF, folds kept
};

struct Message {
    std::vector<HeaderField> headers;
    std::string body;  // everything after the empty line that ends the header
};

// Line ends are CRLF on the wire (RFC 5322 §2.1); a bare LF (a message from a file or a test) is
// read as CRLF. A line in the header that is neither a field nor a fold becomes a field with an
// empty name, which no h= list can select.
Message parse_message(std::string_view raw);

// RFC 6376 §5.4.2: each name in `names` takes the last instance of that field not taken yet,
// matching names without case; a name with no instance left selects nothing, which is how a
// signer "over-signs" a field so that none can be added later. `skip` (the signature field being
// verified, which a signer could not have selected) is never taken.
std::vector<const HeaderField*> select_headers(const std::vector<HeaderField>& headers,
                                               const std::vector<std::string>& names,
                                               const HeaderField* skip = nullptr);

}  // namespace sealbox::mailauth::dkim

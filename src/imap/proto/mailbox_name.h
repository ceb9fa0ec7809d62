#pragma once
// Mailbox names on the wire: modified UTF-7 (RFC 3501 §5.1.3) for IMAP4rev1 clients, UTF-8 once
// the client has enabled UTF8=ACCEPT (RFC 6855 §3) or IMAP4rev2 (RFC 9051 §5.1).

#include <optional>
#include <string>
#include <string_view>

namespace sealbox::imap {

// UTF-8 name to modified UTF-7. The input must be valid UTF-8 (see valid_utf8).
std::string mutf7_encode(std::string_view utf8);
// Modified UTF-7 to UTF-8; nullopt for anything RFC 3501 §5.1.3 forbids (8-bit octets, a
// printable ASCII character encoded in base64, "&" not followed by "-" or base64, unpaired
// surrogates, non-zero padding bits, two adjacent encoded runs).
std::optional<std::string> mutf7_decode(std::string_view wire);

bool valid_utf8(std::string_view text);

// The name as the server stores it (UTF-8), from its wire form; "INBOX" in any case becomes
// "INBOX" (RFC 9051 §5.1). nullopt when the wire form is invalid for the mode.
std::optional<std::string> mailbox_from_wire(std::string_view wire, bool utf8_mode);
// The wire form of a stored (UTF-8) name for the mode.
std::string mailbox_to_wire(std::string_view name, bool utf8_mode);

}  // namespace sealbox::imap

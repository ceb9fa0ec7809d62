#pragma once
// Strings in server responses (RFC 9051 §4.3, §9): quoted when that is safe, a literal
// otherwise, so no user data (a mailbox name, a header field, an address) can end a line.

#include <optional>
#include <string>
#include <string_view>

namespace sealbox::imap {

// string: quoted when text has no CR, LF or NUL, is 7-bit (or utf8 is on), and is short;
// otherwise a literal "{n}\r\n" + text.
void write_string(std::string& out, std::string_view text, bool utf8 = false);
// nstring = string / NIL
void write_nstring(std::string& out, const std::optional<std::string_view>& text,
                   bool utf8 = false);
// astring: a bare atom when text is 1*ASTRING-CHAR, else a string.
void write_astring(std::string& out, std::string_view text, bool utf8 = false);
// A mailbox name stored as UTF-8, encoded for the mode (modified UTF-7 unless utf8).
void write_mailbox(std::string& out, std::string_view name, bool utf8 = false);
// literal8 = "~{n}\r\n" + octets (RFC 3516 §4.2), for BINARY[] data that may hold NUL.
void write_literal8(std::string& out, std::string_view octets);

}  // namespace sealbox::imap

#pragma once
// IMAP character classes (RFC 9051 §9). Locale-free: the wire is octets.

#include "smtp/proto/chars.h"

namespace sealbox::imap::chars {

using smtp::chars::iequals;
using smtp::chars::is_digit;
using smtp::chars::to_lower;
using smtp::chars::to_upper;

inline bool is_ctl(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}
inline bool is_8bit(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}
inline bool is_list_wildcard(char c) {
    return c == '%' || c == '*';
}
inline bool is_quoted_special(char c) {
    return c == '"' || c == '\\';
}
// ATOM-CHAR: any CHAR except atom-specials.
inline bool is_atom_char(char c) {
    return c != '\0' && !is_8bit(c) && !is_ctl(c) && c != '(' && c != ')' && c != '{' && c != ' ' &&
           !is_list_wildcard(c) && !is_quoted_special(c) && c != ']';
}
// ASTRING-CHAR = ATOM-CHAR / resp-specials
inline bool is_astring_char(char c) {
    return is_atom_char(c) || c == ']';
}
// list-char = ATOM-CHAR / list-wildcards / resp-specials
inline bool is_list_char(char c) {
    return is_astring_char(c) || is_list_wildcard(c);
}
// tag = 1*<any ASTRING-CHAR except "+">
inline bool is_tag_char(char c) {
    return is_astring_char(c) && c != '+';
}

}  // namespace sealbox::imap::chars

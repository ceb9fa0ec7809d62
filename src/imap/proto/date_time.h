#pragma once
// The date-time of APPEND and INTERNALDATE (RFC 9051 §9):
// date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE

#include <string_view>

namespace sealbox::imap {

// text: the quoted string's contents, e.g. " 7-Feb-1994 21:52:25 -0800".
bool valid_date_time(std::string_view text);

}  // namespace sealbox::imap

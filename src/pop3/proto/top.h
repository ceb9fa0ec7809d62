#pragma once
// What TOP sends (RFC 1939 §7): the header, the blank line after it, and the first n lines of
// the body.

#include <cstdint>
#include <string_view>

namespace sealbox::pop3 {

// The leading part of message (CRLF lines) that TOP msg n returns, before byte-stuffing (pass
// it to message_response). A message without a blank line is all header and comes back whole;
// one with fewer than n body lines comes back whole, final CRLF or not. A line ends at LF, so a
// message with bare LF endings is cut at the same places.
std::string_view top_of(std::string_view message, std::uint32_t body_lines);

}  // namespace sealbox::pop3

#pragma once
// Server replies on the wire (RFC 5321 §4.2, enhanced status codes per RFC 2034 and RFC 3463).

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::smtp {

struct Reply {
    int code = 250;
    std::string enhanced;            // "2.1.0", or empty for none
    std::vector<std::string> lines;  // text only; may hold client data, which serialize() defuses
};

// The reply as sent: "250-first\r\n250 last\r\n", the enhanced code after the basic code on every
// line. CR, LF and other control characters in the text become spaces, and a line longer than
// 512 octets (RFC 5321 §4.5.3.1.5) is cut, so no text can end a line or inject a reply.
// Throws sealbox::Error(internal) for a code that is not an SMTP reply code, or an enhanced code
// that is malformed or whose class differs from the basic code's first digit: those are bugs.
std::string serialize(const Reply& reply);

// The 250 answer to EHLO or LHLO (RFC 5321 §4.1.1.1): "hostname[ greeting]" then one line per
// extension keyword (with its parameters, e.g. "SIZE 10485760"). No enhanced code: RFC 2034 §4
// exempts the EHLO response.
Reply ehlo_reply(std::string_view hostname, std::string_view greeting,
                 std::span<const std::string> extensions);

// Checks used by serialize(), exposed so callers can validate codes from configuration.
bool valid_reply_code(int code);
bool valid_enhanced_code(int code, std::string_view enhanced);

}  // namespace sealbox::smtp

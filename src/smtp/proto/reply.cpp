#include "smtp/proto/reply.h"

#include "core/error.h"

namespace sealbox::smtp {
namespace {

// RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets including the code and CRLF.
constexpr std::size_t kMaxReplyLine = 512;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads 1 to 3 digits (RFC 3463 §2: subject and detail are 1*3digit).
bool take_subcode(std::string_view& s) {
    std::size_t n = 0;
    while (n < s.size() && is_digit(s[n])) {
        ++n;
    }
    if (n == 0 || n > 3) {
        return false;
    }
    s.remove_prefix(n);
    return true;
}

// Cutting inside a UTF-8 sequence would leave an invalid tail, so back up to a lead octet.
std::size_t utf8_cut(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text.size();
    }
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
        --cut;
    }
    return cut;
}

void append_text(std::string& out, std::string_view text, std::size_t room) {
    text = text.substr(0, utf8_cut(text, room));
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        // Client data (a HELO name, an address) must never produce CR or LF on the wire: that
        // would let a client forge reply lines. Other controls are outside RFC 5321 textstring.
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
}

}  // namespace

bool valid_reply_code(int code) {
    // RFC 5321 §4.2: first digit 2-5, second digit 0-5, third digit 0-9.
    return code >= 200 && code <= 599 && (code / 10) % 10 <= 5;
}

bool valid_enhanced_code(int code, std::string_view enhanced) {
    if (enhanced.empty()) {
        return true;
    }
    // RFC 3463 §2: class "." subject "." detail, class one of 2, 4, 5 and equal to the kind of
    // reply it accompanies; a 3xx reply has no enhanced class.
    if (enhanced.size() < 5 || enhanced[1] != '.' || enhanced[0] - '0' != code / 100 ||
        (enhanced[0] != '2' && enhanced[0] != '4' && enhanced[0] != '5')) {
        return false;
    }
    std::string_view rest = enhanced.substr(2);
    if (!take_subcode(rest) || rest.empty() || rest.front() != '.') {
        return false;
    }
    rest.remove_prefix(1);
    return take_subcode(rest) && rest.empty();
}

std::string serialize(const Reply& reply) {
    if (!valid_reply_code(reply.code)) {
        throw Error(ErrorCode::internal, "invalid SMTP reply code " + std::to_string(reply.code));
    }
    if (!valid_enhanced_code(reply.code, reply.enhanced)) {
        throw Error(ErrorCode::internal, "invalid enhanced status code for reply");
    }
    const std::string code = std::to_string(reply.code);
    // Room for text on one line: 512 minus code, separator, CRLF, and "x.y.z " when present.
    std::size_t room = kMaxReplyLine - code.size() - 1 - 2;
    if (!reply.enhanced.empty()) {
        room -= reply.enhanced.size() + 1;
    }

    std::string out;
    const std::size_t count = reply.lines.empty() ? 1 : reply.lines.size();
    for (std::size_t i = 0; i < count; ++i) {
        // RFC 5321 §4.2.1: every line but the last has "-" after the code.
        out += code;
        out += i + 1 < count ? '-' : ' ';
        std::string_view text = reply.lines.empty() ? std::string_view() : reply.lines[i];
        if (!reply.enhanced.empty()) {
            // RFC 2034 §4: the enhanced code starts the text of every line.
            out += reply.enhanced;
            if (!text.empty()) {
                out += ' ';
            }
        }
        append_text(out, text, room);
        if (out.back() == ' ' && text.empty() && reply.enhanced.empty()) {
            // RFC 5321 §4.2: with no text the code stands alone ("250\r\n").
            out.pop_back();
        }
        out += "\r\n";
    }
    return out;
}

Reply ehlo_reply(std::string_view hostname, std::string_view greeting,
                 std::span<const std::string> extensions) {
    Reply reply{250, "", {}};
    std::string first(hostname);
    if (!greeting.empty()) {
        first += ' ';
        first += greeting;
    }
    reply.lines.push_back(std::move(first));
    reply.lines.insert(reply.lines.end(), extensions.begin(), extensions.end());
    return reply;
}

}  // namespace sealbox::smtp

#include "pop3/proto/response.h"

#include "smtp/proto/dot_stuffer.h"

namespace sealbox::pop3 {
namespace {

// RFC 2449 §4: the first line of a response is at most 512 octets including the CRLF.
constexpr std::size_t kMaxStatusLine = 512;

std::string_view code_text(ResponseCode code) {
    switch (code) {
        case ResponseCode::none:
            return "";
        case ResponseCode::in_use:
            return "[IN-USE] ";
        case ResponseCode::login_delay:
            return "[LOGIN-DELAY] ";
        case ResponseCode::sys_temp:
            return "[SYS/TEMP] ";
        case ResponseCode::sys_perm:
            return "[SYS/PERM] ";
        case ResponseCode::auth:
            return "[AUTH] ";
    }
    return "";
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

// Controls become spaces: a CR or LF from caller text would end the line and let the rest pose
// as a response line of its own.
void append_text(std::string& out, std::string_view text) {
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);
    }
}

std::string status_line(std::string_view status, std::string_view code, std::string_view text) {
    std::string out(status);
    if (!code.empty() || !text.empty()) {
        out += ' ';
    }
    out += code;
    const std::size_t room = kMaxStatusLine - out.size() - 2;
    append_text(out, text.substr(0, utf8_cut(text, room)));
    if (out.back() == ' ') {  // "[IN-USE] " with no text after it
        out.pop_back();
    }
    out += "\r\n";
    return out;
}

}  // namespace

std::string ok(std::string_view text) {
    return status_line("+OK", "", text);
}

std::string err(std::string_view text, ResponseCode code) {
    return status_line("-ERR", code_text(code), text);
}

std::string multi_line(std::string_view text, std::span<const std::string> lines) {
    std::string out = ok(text);
    for (const std::string& line : lines) {
        // RFC 1939 §3: a line starting with the termination octet gets one more.
        if (!line.empty() && line.front() == '.') {
            out += '.';
        }
        append_text(out, line);
        out += "\r\n";
    }
    out += ".\r\n";
    return out;
}

std::string capa_response(std::span<const std::string> capabilities) {
    return multi_line("Capability list follows", capabilities);
}

std::string message_response(std::string_view text, std::string_view message) {
    std::string out = ok(text);
    smtp::DotStuffer stuffer;
    stuffer.feed(message, out);
    stuffer.finish(out);
    return out;
}

std::string auth_challenge(std::string_view base64) {
    std::string out = "+ ";
    append_text(out, base64);
    out += "\r\n";
    return out;
}

}  // namespace sealbox::pop3

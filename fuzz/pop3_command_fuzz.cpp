// Feeds each line of the input to the POP3 command parser and the AUTH response parser, and
// checks what can be checked without a second implementation: limits hold, PASS never leaks
// into an error, error and status lines are single well-formed lines, byte-stuffing of the
// input round-trips, and TOP returns a prefix of the message.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "pop3/proto/command.h"
#include "pop3/proto/response.h"
#include "pop3/proto/top.h"
#include "smtp/proto/chars.h"
#include "smtp/proto/line_endings.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::pop3;

// One line, ending in CRLF, no other CR or LF, within RFC 2449 §4's 512 octets.
void check_status_line(const std::string& wire) {
    check(wire.size() >= 2 && wire.size() <= 512);
    check(wire.find('\r') == wire.size() - 2 && wire.find('\n') == wire.size() - 1);
}

// RFC 1939 §3 as a client reads it; returns the body with CRLF line ends.
std::string unstuff(std::string_view wire) {
    std::size_t end = wire.find("\r\n");
    check(end != std::string_view::npos);
    check_status_line(std::string(wire.substr(0, end + 2)));
    wire.remove_prefix(end + 2);
    std::string body;
    while (true) {
        end = wire.find("\r\n");
        check(end != std::string_view::npos);
        std::string_view line = wire.substr(0, end);
        wire.remove_prefix(end + 2);
        if (line == ".") {
            check(wire.empty());
            return body;
        }
        if (!line.empty() && line.front() == '.') {
            line.remove_prefix(1);
        }
        body += line;
        body += "\r\n";
    }
}

// The message as message_response sends it: CRLF line ends only, and a final CRLF.
std::string normalized(std::string_view message) {
    std::string out = sealbox::smtp::normalize_line_endings(message);
    if (!out.empty() && !out.ends_with("\r\n")) {
        out += "\r\n";
    }
    return out;
}

void one_line(std::string_view line) {
    for (const CommandLimits& limits : {CommandLimits{}, CommandLimits{32, 64}}) {
        ParseResult result = parse_command(line, limits);
        if (auto* error = std::get_if<ParseError>(&result)) {
            check_status_line(to_response(*error));
            if (sealbox::smtp::chars::iequals(line.substr(0, line.find(' ')), "PASS")) {
                // Only fixed texts, so the password cannot come back.
                check(error->text == "Syntax: PASS password" || error->text == "Line too long" ||
                      error->text == "Invalid character in command");
            }
            continue;
        }
        check(line.size() + 2 <= limits.max_line);
        const Command& command = std::get<Command>(result);
        if (auto* retr = std::get_if<Retr>(&command)) {
            check(retr->message > 0);
        } else if (auto* top = std::get_if<Top>(&command)) {
            check(top->message > 0);
        } else if (auto* pass = std::get_if<Pass>(&command)) {
            check(!pass->password.empty());
        }
    }
    AuthLineResult auth = parse_auth_response(line);
    if (auto* error = std::get_if<ParseError>(&auth)) {
        check_status_line(to_response(*error));
    }
    check_status_line(err(line, ResponseCode::sys_temp));
    check_status_line(auth_challenge(line.substr(0, 400)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // The whole input as a message: stuffing round-trips, and TOP cuts a prefix.
    check(unstuff(message_response("", input)) == normalized(input));
    for (std::uint32_t n : {0u, 1u, 3u}) {
        std::string_view top = top_of(input, n);
        check(input.substr(0, top.size()) == top);
    }

    // As command lines, split at CRLF as a session does; a lone CR or LF stays in the line.
    std::string_view rest = input;
    while (true) {
        std::size_t end = rest.find("\r\n");
        one_line(rest.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(end + 2);
    }
    return 0;
}

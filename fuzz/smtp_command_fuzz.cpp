// Feeds each line of the input to the SMTP command parser, and checks what can be checked
// without a second implementation: error replies serialize to well-formed lines, parsed
// mailboxes survive str() and a second parse, xtext round-trips, and reply text from the input
// cannot break the reply framing.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "smtp/proto/command.h"
#include "smtp/proto/reply.h"
#include "smtp/proto/xtext.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::smtp;

void check_wire(const std::string& wire) {
    check(wire.size() >= 2 && wire.compare(wire.size() - 2, 2, "\r\n") == 0);
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < wire.size(); ++i) {
        if (wire[i] == '\r') {
            check(i + 1 < wire.size() && wire[i + 1] == '\n');
        } else if (wire[i] == '\n') {
            check(i > 0 && wire[i - 1] == '\r');
            check(i + 1 - line_start <= 512);  // RFC 5321 §4.5.3.1.5
            line_start = i + 1;
        }
    }
}

void check_roundtrip(const Mailbox& box) {
    if (box.domain_kind == DomainKind::none) {
        return;
    }
    auto again = parse_mailbox(box.str());
    check(again.has_value());
    check(again->local_part == box.local_part);
    check(again->domain == box.domain);
    check(again->domain_kind == box.domain_kind);
    check(again->has_utf8 == box.has_utf8);
}

void one_line(std::string_view line) {
    for (const CommandLimits& limits : {CommandLimits{}, CommandLimits{64, 256}}) {
        ParseResult result = parse_command(line, limits);
        if (auto* error = std::get_if<ParseError>(&result)) {
            check_wire(serialize(to_reply(*error)));
            continue;
        }
        const Command& command = std::get<Command>(result);
        if (auto* mail = std::get_if<Mail>(&command)) {
            if (mail->from) {
                check_roundtrip(*mail->from);
            }
            if (mail->params.envid) {
                check(xtext_decode(xtext_encode(*mail->params.envid)) == *mail->params.envid);
            }
        } else if (auto* rcpt = std::get_if<Rcpt>(&command)) {
            check_roundtrip(rcpt->to);
            if (rcpt->params.notify) {
                const Notify& n = *rcpt->params.notify;
                check(!n.never || !(n.success || n.failure || n.delay));
            }
        } else if (auto* hello = std::get_if<Hello>(&command)) {
            // The greeting echoes the client's name; it must not be able to add lines.
            std::string wire = serialize(ehlo_reply("mx.example", hello->argument, {}));
            check_wire(wire);
            check(wire.find("\r\n") == wire.size() - 2);
        }
    }

    // Arbitrary text in a reply stays on its line.
    std::string wire = serialize(Reply{550, "5.1.1", {std::string(line), "tail"}});
    check_wire(wire);

    std::string encoded = xtext_encode(line);
    check(xtext_decode(encoded) == std::string(line));
    if (auto decoded = xtext_decode(line)) {
        check(xtext_decode(xtext_encode(*decoded)) == *decoded);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    // Lines end at CRLF, as a session splits them; a lone CR or LF stays inside the line.
    while (true) {
        std::size_t end = input.find("\r\n");
        one_line(input.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        input.remove_prefix(end + 2);
    }
    return 0;
}

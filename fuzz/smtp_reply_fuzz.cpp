// Feeds the lines of the input to the client's reply parser, as a hostile server would send
// them, and checks what can be checked without a second implementation: a complete reply has a
// valid code and enhanced code, within the limits; it serializes without complaint and reads
// back as the same code with as many lines; and the EHLO reading of it never fails.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "smtp/proto/extensions.h"
#include "smtp/proto/reply.h"
#include "smtp/proto/reply_parser.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::smtp;

void check_reply(const Reply& reply, const ReplyLimits& limits) {
    check(valid_reply_code(reply.code));
    check(valid_enhanced_code(reply.code, reply.enhanced));
    check(!reply.lines.empty() && reply.lines.size() <= limits.max_lines);
    for (const auto& line : reply.lines) {
        check(line.size() <= limits.max_line);
    }
    std::string wire = serialize(reply);
    ReplyParser again;
    Reply reread;
    std::size_t at = 0;
    while (at < wire.size()) {
        std::size_t end = wire.find("\r\n", at);
        check(end != std::string::npos);
        auto status = again.feed(std::string_view(wire).substr(at, end - at));
        at = end + 2;
        check(status != ReplyParser::Status::malformed);
        if (status == ReplyParser::Status::complete) {
            check(at == wire.size());
            reread = again.take();
        }
    }
    check(reread.code == reply.code);
    check(reread.lines.size() == reply.lines.size());
    if (reply.code / 100 == 2) {
        Extensions e = parse_ehlo(reply);
        check(e.server_name.find(' ') == std::string::npos);
        for (const auto& mechanism : e.auth) {
            check(!mechanism.empty());
        }
    }
}

void run(std::string_view input, const ReplyLimits& limits) {
    ReplyParser parser(limits);
    while (!input.empty()) {
        std::size_t lf = input.find('\n');
        std::string_view line = input.substr(0, lf);
        input.remove_prefix(lf == std::string_view::npos ? input.size() : lf + 1);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        switch (parser.feed(line)) {
            case ReplyParser::Status::complete:
                check_reply(parser.take(), limits);
                break;
            case ReplyParser::Status::malformed:
                check(!parser.error().empty());
                return;
            case ReplyParser::Status::more:
                break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    run(input, ReplyLimits{});
    run(input, ReplyLimits{40, 3});
    return 0;
}

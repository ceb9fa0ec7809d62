#include "pop3/proto/top.h"

namespace sealbox::pop3 {
namespace {

// Offset just past the blank line ending the header (RFC 5322 §2.1), or npos without one.
std::size_t body_start(std::string_view message) {
    std::size_t line = 0;
    while (line < message.size()) {
        std::size_t lf = message.find('\n', line);
        if (lf == std::string_view::npos) {
            return std::string_view::npos;  // a last header line without an ending
        }
        std::string_view content = message.substr(line, lf - line);
        if (content.empty() || content == "\r") {
            return lf + 1;
        }
        line = lf + 1;
    }
    return std::string_view::npos;
}

}  // namespace

std::string_view top_of(std::string_view message, std::uint32_t body_lines) {
    std::size_t end = body_start(message);
    if (end == std::string_view::npos) {
        return message;
    }
    for (std::uint32_t i = 0; i < body_lines && end < message.size(); ++i) {
        std::size_t lf = message.find('\n', end);
        end = lf == std::string_view::npos ? message.size() : lf + 1;
    }
    return message.substr(0, end);
}

}  // namespace sealbox::pop3

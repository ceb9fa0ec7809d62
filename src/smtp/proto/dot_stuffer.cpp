#include "smtp/proto/dot_stuffer.h"

#include <cstring>

namespace sealbox::smtp {

// `normalized` has CRLF line ends only: LineEndingScanner writes each one whole. Lines are
// copied whole (memchr finds their ends), since every octet RETR and the delivery agent send
// passes through here.
void DotStuffer::stuff(std::string_view normalized, std::string& out) {
    out.reserve(out.size() + normalized.size() + normalized.size() / 64);
    std::size_t at = 0;
    while (at < normalized.size()) {
        if (line_start_ && normalized[at] == '.') {
            out.push_back('.');  // RFC 5321 §4.5.2: the receiver drops the first dot of a line
        }
        const void* lf = std::memchr(normalized.data() + at, '\n', normalized.size() - at);
        std::size_t end =
            lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - normalized.data()) + 1
               : normalized.size();
        out.append(normalized.data() + at, end - at);
        line_start_ = lf != nullptr;
        at = end;
    }
}

void DotStuffer::feed(std::string_view piece, std::string& out) {
    normalized_.clear();
    line_endings_.feed(piece, &normalized_);
    stuff(normalized_, out);
}

void DotStuffer::finish(std::string& out) {
    normalized_.clear();
    line_endings_.finish(&normalized_);
    stuff(normalized_, out);
    // RFC 5321 §4.1.1.4: the terminator is <CRLF>.<CRLF>, its first CRLF ending the last line;
    // a message that did not end with one gets it, and an empty message is just ".CRLF".
    if (!line_start_) {
        out += "\r\n";
    }
    out += ".\r\n";
    line_start_ = true;
}

}  // namespace sealbox::smtp

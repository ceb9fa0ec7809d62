#include "smtp/proto/dot_stuffer.h"

namespace sealbox::smtp {

// `normalized` has CRLF line ends only: LineEndingScanner writes each one whole.
void DotStuffer::stuff(std::string_view normalized, std::string& out) {
    out.reserve(out.size() + normalized.size() + normalized.size() / 64);
    for (char c : normalized) {
        if (line_start_ && c == '.') {
            out.push_back('.');  // RFC 5321 §4.5.2: the receiver drops the first dot of a line
        }
        out.push_back(c);
        line_start_ = c == '\n';
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

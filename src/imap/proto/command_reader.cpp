#include "imap/proto/command_reader.h"

#include <limits>

#include "imap/proto/chars.h"

namespace sealbox::imap {

bool find_literal_announcement(std::string_view line, LiteralAnnouncement& out) {
    // RFC 9051 §9: literal = "{" number64 ["+"] "}" CRLF *CHAR8; RFC 7888 §3 adds the "+".
    if (line.empty() || line.back() != '}') {
        return false;
    }
    std::size_t end = line.size() - 1;
    bool plus = end > 0 && line[end - 1] == '+';
    if (plus) {
        --end;
    }
    std::size_t start = end;
    while (start > 0 && chars::is_digit(line[start - 1])) {
        --start;
    }
    if (start == end || start == 0 || line[start - 1] != '{') {
        return false;
    }
    out = LiteralAnnouncement{0, !plus, false};
    for (std::size_t i = start; i < end; ++i) {
        std::uint64_t digit = static_cast<std::uint64_t>(line[i] - '0');
        // number64 is at most 2^63-1 (RFC 9051 §9).
        if (out.size >
            (static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - digit) / 10) {
            out.overflow = true;
            return true;
        }
        out.size = out.size * 10 + digit;
    }
    return true;
}

CommandReader::Need CommandReader::feed_line(std::string_view line) {
    if (need_ != Need::line) {
        return fail("internal: a line was fed while the reader expected none", true);
    }
    if (buffer_.empty()) {
        head_ = line.substr(0, 256);
    }
    if (line.size() > limits_.max_line) {
        return fail("Command line too long", false);
    }
    // Lines follow only a literal, whose announcement's CRLF is already in the buffer.
    if (buffer_.size() + line.size() > limits_.max_command) {
        return fail("Command too long", false);
    }
    buffer_.append(line);

    LiteralAnnouncement literal;
    if (!find_literal_announcement(line, literal)) {
        need_ = Need::complete;
        return need_;
    }
    // A refused non-synchronizing literal is already on its way; we cannot tell where it ends
    // without reading it, so the session must close (RFC 7888 §4).
    bool close = !literal.synchronizing;
    if (literal.overflow || literal.size > limits_.max_literal) {
        return fail("Literal too big", close);
    }
    if (!literal.synchronizing && limits_.max_non_sync_literal != 0 &&
        literal.size > limits_.max_non_sync_literal) {
        return fail("Non-synchronizing literal too big (LITERAL-)", close);
    }
    if (buffer_.size() + 2 + literal.size > limits_.max_command) {
        return fail("Command too long", close);
    }
    buffer_ += "\r\n";
    literal_remaining_ = literal.size;
    synchronizing_ = literal.synchronizing;
    // A zero-length literal needs no octets, but the line after it still follows.
    need_ = literal_remaining_ == 0 ? Need::line : Need::literal;
    return need_;
}

std::size_t CommandReader::feed_literal(std::string_view octets) {
    if (need_ != Need::literal) {
        return 0;
    }
    std::size_t take = octets.size() < literal_remaining_
                           ? octets.size()
                           : static_cast<std::size_t>(literal_remaining_);
    buffer_.append(octets.substr(0, take));
    literal_remaining_ -= take;
    if (literal_remaining_ == 0) {
        need_ = Need::line;
    }
    return take;
}

std::string CommandReader::tag() const {
    std::size_t end = 0;
    while (end < head_.size() && chars::is_tag_char(head_[end])) {
        ++end;
    }
    if (end == 0 || end == head_.size() || head_[end] != ' ') {
        return {};
    }
    return head_.substr(0, end);
}

void CommandReader::reset() {
    need_ = Need::line;
    buffer_.clear();
    head_.clear();
    literal_remaining_ = 0;
    synchronizing_ = false;
    error_.clear();
    close_connection_ = false;
}

CommandReader::Need CommandReader::fail(std::string text, bool close) {
    error_ = std::move(text);
    close_connection_ = close;
    literal_remaining_ = 0;
    need_ = Need::error;
    return need_;
}

}  // namespace sealbox::imap

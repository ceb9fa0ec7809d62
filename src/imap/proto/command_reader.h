#pragma once
// Frames one client command out of the network: its lines and the literals between them
// (RFC 9051 §4.3, §7.5; RFC 7888 for "{n+}"). Pure: the session reads lines and literal octets
// and feeds them here; the reader says what it needs next, so the session can send the
// continuation request "+ Ready" (or refuse a literal before the client sends it).

#include <cstdint>
#include <string>
#include <string_view>

#include "imap/proto/limits.h"

namespace sealbox::imap {

class CommandReader {
  public:
    enum class Need {
        line,      // feed the next line (without CRLF)
        literal,   // feed literal_remaining() octets; send "+ ..." first if synchronizing()
        complete,  // command() holds the whole command; call reset() before the next one
        error,     // error() says why; see close_connection()
    };

    explicit CommandReader(const Limits& limits = {}) : limits_(limits) {}

    // line: one line as read from the network, without its CRLF.
    Need feed_line(std::string_view line);
    // Up to literal_remaining() octets of the announced literal; returns how many it took.
    std::size_t feed_literal(std::string_view octets);

    Need need() const { return need_; }
    std::uint64_t literal_remaining() const { return literal_remaining_; }
    // Only meaningful when need() is literal: false for "{n+}", whose octets follow at once.
    bool synchronizing() const { return synchronizing_; }

    // The command as on the wire, without its final CRLF: lines joined by CRLF, each literal's
    // octets right after the CRLF that follows its announcement. parse_command() reads this.
    std::string_view command() const { return buffer_; }

    // Why the command was refused, for a tagged BAD (untagged if tag() is empty).
    const std::string& error() const { return error_; }
    // The command's tag when it is a valid one (RFC 9051 §9 "tag"), else empty.
    std::string tag() const;
    // After an error: true when the client is already sending octets we did not agree to take
    // (a refused "{n+}" literal), so the rest of the stream cannot be framed (RFC 7888 §4).
    bool close_connection() const { return close_connection_; }

    void reset();

  private:
    Need fail(std::string text, bool close);

    Limits limits_;
    Need need_ = Need::line;
    std::string buffer_;
    std::string head_;  // the start of the first line, for tag() even after a refusal
    std::uint64_t literal_remaining_ = 0;
    bool synchronizing_ = false;
    std::string error_;
    bool close_connection_ = false;
};

// The literal announced at the end of a line (RFC 9051 §9 "literal", "literal8" ~{n}), if any.
struct LiteralAnnouncement {
    std::uint64_t size = 0;
    bool synchronizing = true;
    bool overflow = false;  // the digits did not fit number64
};
bool find_literal_announcement(std::string_view line, LiteralAnnouncement& out);

}  // namespace sealbox::imap

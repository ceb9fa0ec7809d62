#pragma once
// Bounds on what a client may send in one command. The session picks them (and advertises
// APPENDLIMIT / LITERAL- accordingly); the reader and parser enforce them.

#include <cstddef>
#include <cstdint>

namespace sealbox::imap {

struct Limits {
    // One line of a command, without its CRLF. RFC 9051 §4 sets no limit; RFC 7162 §4 asks
    // servers to accept lines of at least 8192 octets.
    std::size_t max_line = 65536;
    // One literal's announced size: larger ones are refused before the client sends them.
    std::uint64_t max_literal = 64 * 1024 * 1024;
    // A whole command: its lines and literals together.
    std::uint64_t max_command = 80 * 1024 * 1024;
    // Nested parentheses (FETCH body structures, SEARCH groups, APPEND flag lists).
    std::size_t max_depth = 32;
    // RFC 7888 §4: with LITERAL- advertised, a non-synchronizing literal may not exceed 4096
    // octets. Zero means LITERAL+ (no such bound).
    std::uint64_t max_non_sync_literal = 0;
};

}  // namespace sealbox::imap

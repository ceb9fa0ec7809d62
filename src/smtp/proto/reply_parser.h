#pragma once
// Replies as a client reads them (RFC 5321 §4.2): one or more lines "250-text", ending with
// "250 text", gathered into one Reply. The server is untrusted: a reply that breaks the grammar
// is refused rather than guessed at, because a client that misreads one reply is out of step
// for every later one.

#include <cstddef>
#include <string>
#include <string_view>

#include "smtp/proto/reply.h"

namespace sealbox::smtp {

struct ReplyLimits {
    // RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; some servers send longer ones, so
    // more is tolerated, up to this bound (which the caller gives its line reader too).
    std::size_t max_line = 2048;
    // An EHLO reply has one line per extension; a few dozen is the most seen in practice.
    std::size_t max_lines = 128;
};

class ReplyParser {
  public:
    enum class Status {
        more,       // a "-" line: the reply continues
        complete,   // the last line arrived; take() the reply
        malformed,  // the server broke the grammar; error() says how, and nothing can follow
    };

    explicit ReplyParser(ReplyLimits limits = {}) : limits_(limits) {}

    // One line, without its line ending. Once malformed, every later call is malformed too.
    Status feed(std::string_view line);

    // After complete: the reply, with the enhanced status code (RFC 2034 §4, RFC 3463) taken off
    // the front of each line that has it; the parser is ready for the next reply. The text is
    // the server's, unfiltered: serialize() defuses it if it is ever sent on.
    Reply take();

    // After malformed: why, without the line's text.
    const std::string& error() const { return error_; }

  private:
    Status fail(std::string why);

    ReplyLimits limits_;
    Reply reply_;
    bool started_ = false;
    std::string error_;
};

}  // namespace sealbox::smtp

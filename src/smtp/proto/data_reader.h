#pragma once
// The DATA phase (RFC 5321 §4.1.1.4, §4.5.2): message text after "354", up to <CRLF>.<CRLF>.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>

#include "smtp/proto/reply.h"

namespace sealbox::smtp {

// What to do with a CR not followed by LF, or an LF not preceded by CR (RFC 5321 §2.3.8 says
// neither is a line ending). Such octets are how SMTP smuggling (CVE-2023-51764, -51765, -51766)
// hides a second message; whatever the policy, only <CRLF>.<CRLF> ends the data.
enum class BareLineEndings {
    reject,     // note it; the caller refuses the message once the data has ended
    normalize,  // write CRLF in its place
};

struct DataReaderOptions {
    BareLineEndings policy = BareLineEndings::reject;
    // Octets of message (after unstuffing, with CRLF line ends) beyond which it is refused.
    std::uint64_t max_size = std::numeric_limits<std::uint64_t>::max();
};

struct FeedResult {
    std::size_t consumed = 0;  // octets of input used; the rest belongs to the next command
    bool done = false;         // the terminating <CRLF>.<CRLF> was among them
};

// Fed the bytes that follow the 354 reply, in chunks split anywhere. Appends the message to
// `out`: dot-unstuffed, with CRLF line ends, without the terminator. After a violation under
// `reject`, or at max_size octets, `out` stops growing (and holds no usable message) but input
// is still consumed up to the terminator so the session stays in step with the client.
class DataReader {
  public:
    explicit DataReader(DataReaderOptions options = {}) : options_(options) {}

    FeedResult feed(std::span<const char> input, std::string& out);

    bool done() const { return state_ == State::done; }
    bool saw_bare_cr() const { return bare_cr_; }
    bool saw_bare_lf() const { return bare_lf_; }
    bool size_exceeded() const { return size_exceeded_; }
    // Message octets seen so far, counted on past max_size.
    std::uint64_t message_size() const { return size_; }
    // Longest line, counting its two-octet line ending and not a transparency dot; RFC 5321
    // §4.5.3.1.6 allows 1000, and the caller decides whether to enforce that.
    std::size_t longest_line() const { return longest_line_; }

    // Done and nothing to refuse: `out` holds the message.
    bool accepted() const { return done() && !size_exceeded_ && !rejected_bare(); }
    // After done(): the refusal to send, or nullopt when accepted.
    std::optional<Reply> error_reply() const;

  private:
    enum class State {
        line_start,       // after CRLF, or at the start: a "." here may end the data
        dot,              // "." at line_start
        dot_cr,           // ".<CR>" at line_start
        text,             // inside a line
        cr,               // after a CR inside text
        soft_line_start,  // after a bare CR or LF: a "." is unstuffed but never ends the data
        soft_dot,         // "." at soft_line_start
        done,
    };

    bool rejected_bare() const {
        return options_.policy == BareLineEndings::reject && (bare_cr_ || bare_lf_);
    }
    void step(char c, std::string& out);
    void emit(const char* data, std::size_t n, std::string& out);
    void end_line(std::string& out);
    void bare(bool is_cr, std::string& out);

    DataReaderOptions options_;
    State state_ = State::line_start;
    bool bare_cr_ = false;
    bool bare_lf_ = false;
    bool size_exceeded_ = false;
    std::uint64_t size_ = 0;
    std::size_t line_length_ = 0;
    std::size_t longest_line_ = 0;
};

}  // namespace sealbox::smtp

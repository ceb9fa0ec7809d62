#pragma once
// Bare CR and bare LF in content that arrives without dot-stuffing: BDAT chunks (RFC 3030),
// which carry no terminator but must meet the same RFC 5321 §2.3.8 rule as DATA.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace sealbox::smtp {

// Fed the chunks of one message in order, split anywhere (a CR at the end of one chunk and an
// LF at the start of the next are a proper CRLF). Call finish() after the last chunk.
class LineEndingScanner {
  public:
    // When out is given, the chunk is appended to it with each bare CR or LF made a CRLF.
    void feed(std::span<const char> chunk, std::string* out = nullptr);
    void finish(std::string* out = nullptr);

    bool saw_bare_cr() const { return bare_cr_; }
    bool saw_bare_lf() const { return bare_lf_; }
    bool saw_bare() const { return bare_cr_ || bare_lf_; }
    // Longest line, counting a two-octet line ending where it has one (RFC 5321 §4.5.3.1.6).
    std::size_t longest_line() const { return longest_line_; }

  private:
    void end_line(std::size_t ending);

    bool pending_cr_ = false;
    bool bare_cr_ = false;
    bool bare_lf_ = false;
    std::size_t line_length_ = 0;
    std::size_t longest_line_ = 0;
};

struct LineEndingReport {
    bool bare_cr = false;
    bool bare_lf = false;
    std::size_t longest_line = 0;
};

// The same checks over a complete message.
LineEndingReport scan_line_endings(std::string_view message);
std::string normalize_line_endings(std::string_view message);

}  // namespace sealbox::smtp

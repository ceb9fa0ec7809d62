#include "smtp/proto/data_reader.h"

#include <algorithm>

namespace sealbox::smtp {

void DataReader::emit(const char* data, std::size_t n, std::string& out) {
    line_length_ += n;
    const std::uint64_t before = size_;
    size_ += n;
    if (size_ > options_.max_size) {
        size_exceeded_ = true;
    }
    // Once the message will be refused, keeping it only costs memory. Up to the limit it is
    // kept, so that what `out` holds does not depend on how the input was chunked.
    if (rejected_bare() || before >= options_.max_size) {
        return;
    }
    out.append(data,
               static_cast<std::size_t>(std::min<std::uint64_t>(n, options_.max_size - before)));
}

void DataReader::end_line(std::string& out) {
    longest_line_ = std::max(longest_line_, line_length_ + 2);
    emit("\r\n", 2, out);
    line_length_ = 0;
}

void DataReader::bare(bool is_cr, std::string& out) {
    (is_cr ? bare_cr_ : bare_lf_) = true;
    if (options_.policy == BareLineEndings::normalize) {
        end_line(out);
    } else {
        longest_line_ = std::max(longest_line_, line_length_ + 2);
        line_length_ = 0;
    }
}

// One octet. A bare CR is only known to be bare when the next octet arrives, and that octet
// must then be read afresh at the start of a (soft) line, hence the loop.
void DataReader::step(char c, std::string& out) {
    static constexpr char kDot = '.';
    while (true) {
        switch (state_) {
            case State::line_start:
                if (c == '.') {
                    state_ = State::dot;
                    return;
                }
                state_ = State::text;
                continue;
            case State::soft_line_start:
                if (c == '.') {
                    state_ = State::soft_dot;
                    return;
                }
                state_ = State::text;
                continue;
            case State::text:
                if (c == '\r') {
                    state_ = State::cr;
                } else if (c == '\n') {
                    bare(false, out);
                    state_ = State::soft_line_start;
                } else {
                    emit(&c, 1, out);
                }
                return;
            case State::cr:
                if (c == '\n') {
                    end_line(out);
                    state_ = State::line_start;
                    return;
                }
                bare(true, out);
                state_ = State::soft_line_start;
                continue;
            case State::dot:
                if (c == '\r') {
                    state_ = State::dot_cr;
                    return;
                }
                if (c == '\n') {
                    // "." then a bare LF: a line holding only the dot, so nothing to unstuff.
                    emit(&kDot, 1, out);
                    bare(false, out);
                    state_ = State::soft_line_start;
                    return;
                }
                // RFC 5321 §4.5.2: a line starting with "." and holding more loses that dot.
                state_ = State::text;
                continue;
            case State::dot_cr:
                if (c == '\n') {
                    state_ = State::done;
                    return;
                }
                // ".<CR>x": the CR is bare, and the dot was the whole line.
                emit(&kDot, 1, out);
                bare(true, out);
                state_ = State::soft_line_start;
                continue;
            case State::soft_dot:
                if (c == '\r' || c == '\n') {
                    emit(&kDot, 1, out);
                    state_ = State::text;
                    continue;
                }
                state_ = State::text;
                continue;
            case State::done:
                return;
        }
    }
}

FeedResult DataReader::feed(std::span<const char> input, std::string& out) {
    std::size_t i = 0;
    const std::size_t n = input.size();
    while (i < n && state_ != State::done) {
        if (state_ == State::text) {
            // Most octets are plain text; copy runs of them at once.
            std::size_t j = i;
            while (j < n && input[j] != '\r' && input[j] != '\n') {
                ++j;
            }
            if (j > i) {
                emit(input.data() + i, j - i, out);
                i = j;
                continue;
            }
        }
        step(input[i], out);
        ++i;
    }
    return FeedResult{i, state_ == State::done};
}

std::optional<Reply> DataReader::error_reply() const {
    if (!done()) {
        return std::nullopt;
    }
    if (rejected_bare()) {
        // RFC 3463 §3.7: X.6.0 is the registered "other media error". (Exchange Online's
        // 5.6.11 for the same condition is not registered.)
        return Reply{550, "5.6.0", {"Bare CR or LF in message data"}};
    }
    if (size_exceeded_) {
        // RFC 1870 §6 and RFC 3463 §3.4 (X.3.4 message too big for system).
        return Reply{552, "5.3.4", {"Message size exceeds fixed maximum message size"}};
    }
    return std::nullopt;
}

}  // namespace sealbox::smtp

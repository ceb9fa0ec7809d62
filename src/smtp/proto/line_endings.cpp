#include "smtp/proto/line_endings.h"

#include <algorithm>
#include <cstring>

namespace sealbox::smtp {

void LineEndingScanner::end_line(std::size_t ending) {
    longest_line_ = std::max(longest_line_, line_length_ + ending);
    line_length_ = 0;
}

// Copies the runs between line ends whole (memchr finds the ends), since this runs over every
// octet of every message received and sent.
void LineEndingScanner::feed(std::span<const char> chunk, std::string* out) {
    const char* data = chunk.data();
    const std::size_t size = chunk.size();
    std::size_t at = 0;
    std::size_t next_lf = 0;  // where the next LF at or after `at` is (size when none); kept so
                              // that a run of bare CRs does not search the rest again each time
    bool next_lf_known = false;
    auto crlf = [&] {
        end_line(2);
        if (out) {
            out->append("\r\n");
        }
    };
    while (at < size) {
        if (pending_cr_) {
            pending_cr_ = false;
            if (data[at] != '\n') {
                bare_cr_ = true;
            } else {
                ++at;
            }
            crlf();
            continue;
        }
        if (!next_lf_known || next_lf < at) {
            const void* lf = std::memchr(data + at, '\n', size - at);
            next_lf = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - data) : size;
            next_lf_known = true;
        }
        const void* cr = std::memchr(data + at, '\r', next_lf - at);
        std::size_t stop =
            cr ? static_cast<std::size_t>(static_cast<const char*>(cr) - data) : next_lf;
        line_length_ += stop - at;
        if (out) {
            out->append(data + at, stop - at);
        }
        at = stop;
        if (at == size) {
            break;
        }
        if (data[at] == '\r') {
            pending_cr_ = true;
        } else {
            bare_lf_ = true;
            crlf();
        }
        ++at;
    }
}
void LineEndingScanner::finish(std::string* out) {
    if (pending_cr_) {
        // Nothing can follow the last chunk, so a CR there is bare.
        pending_cr_ = false;
        bare_cr_ = true;
        end_line(2);
        if (out) {
            out->append("\r\n");
        }
    } else if (line_length_ > 0) {
        end_line(0);
    }
}

LineEndingReport scan_line_endings(std::string_view message) {
    LineEndingScanner scanner;
    scanner.feed(message);
    scanner.finish();
    return LineEndingReport{scanner.saw_bare_cr(), scanner.saw_bare_lf(), scanner.longest_line()};
}

std::string normalize_line_endings(std::string_view message) {
    std::string out;
    out.reserve(message.size());
    LineEndingScanner scanner;
    scanner.feed(message, &out);
    scanner.finish(&out);
    return out;
}

}  // namespace sealbox::smtp

#include "smtp/proto/line_endings.h"

#include <algorithm>

namespace sealbox::smtp {

void LineEndingScanner::end_line(std::size_t ending) {
    longest_line_ = std::max(longest_line_, line_length_ + ending);
    line_length_ = 0;
}

void LineEndingScanner::feed(std::span<const char> chunk, std::string* out) {
    for (char c : chunk) {
        if (pending_cr_) {
            pending_cr_ = false;
            if (c == '\n') {
                end_line(2);
                if (out) {
                    out->append("\r\n");
                }
                continue;
            }
            bare_cr_ = true;
            end_line(2);
            if (out) {
                out->append("\r\n");
            }
        }
        if (c == '\r') {
            pending_cr_ = true;
        } else if (c == '\n') {
            bare_lf_ = true;
            end_line(2);
            if (out) {
                out->append("\r\n");
            }
        } else {
            ++line_length_;
            if (out) {
                out->push_back(c);
            }
        }
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

#include "imap/proto/sequence_set.h"

#include <algorithm>

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

// seq-number = nz-number / "*"; nz-number fits 32 bits (RFC 9051 §9).
bool take_seq_number(std::string_view& text, std::uint32_t& out) {
    if (!text.empty() && text.front() == '*') {
        text.remove_prefix(1);
        out = kStar;
        return true;
    }
    if (text.empty() || !chars::is_digit(text.front()) || text.front() == '0') {
        return false;
    }
    std::uint64_t value = 0;
    while (!text.empty() && chars::is_digit(text.front())) {
        value = value * 10 + static_cast<std::uint64_t>(text.front() - '0');
        if (value > 0xFFFFFFFFu) {
            return false;
        }
        text.remove_prefix(1);
    }
    out = static_cast<std::uint32_t>(value);
    return true;
}

void append_number(std::string& out, std::uint32_t n) {
    out += n == kStar ? std::string("*") : std::to_string(n);
}

}  // namespace

std::string SequenceSet::str() const {
    std::string out;
    for (const SequenceRange& r : ranges) {
        if (!out.empty()) {
            out += ',';
        }
        append_number(out, r.first);
        if (r.first != r.last) {
            out += ':';
            append_number(out, r.last);
        }
    }
    if (saved_result) {
        out += out.empty() ? "$" : ",$";
    }
    return out;
}

std::optional<SequenceSet> parse_sequence_set(std::string_view text) {
    SequenceSet set;
    while (true) {
        if (!text.empty() && text.front() == '$') {
            text.remove_prefix(1);
            set.saved_result = true;
        } else {
            SequenceRange range;
            if (!take_seq_number(text, range.first)) {
                return std::nullopt;
            }
            range.last = range.first;
            if (!text.empty() && text.front() == ':') {
                text.remove_prefix(1);
                if (!take_seq_number(text, range.last)) {
                    return std::nullopt;
                }
            }
            set.ranges.push_back(range);
        }
        if (text.empty()) {
            return set;
        }
        if (text.front() != ',') {
            return std::nullopt;
        }
        text.remove_prefix(1);
    }
}

std::string compress_numbers(std::span<const std::uint32_t> numbers) {
    std::vector<std::uint32_t> sorted(numbers.begin(), numbers.end());
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::string out;
    for (std::size_t i = 0; i < sorted.size();) {
        std::size_t j = i;
        while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) {
            ++j;
        }
        if (!out.empty()) {
            out += ',';
        }
        out += std::to_string(sorted[i]);
        if (j > i) {
            out += ':' + std::to_string(sorted[j]);
        }
        i = j + 1;
    }
    return out;
}

}  // namespace sealbox::imap

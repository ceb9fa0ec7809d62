#pragma once
// Message sets (RFC 9051 §9 "sequence-set") and "$", the saved search result (RFC 5182 §2.1).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::imap {

struct SequenceRange {
    // 0 stands for "*", the largest number in use. first may exceed last ("5:2" means 2:5).
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    bool operator==(const SequenceRange&) const = default;
};

struct SequenceSet {
    std::vector<SequenceRange> ranges;
    bool saved_result = false;  // "$" was one of the elements
    bool operator==(const SequenceSet&) const = default;

    // Wire form, e.g. "1:*,5,$".
    std::string str() const;
};

constexpr std::uint32_t kStar = 0;

// Returns nullopt unless text is exactly one sequence-set.
std::optional<SequenceSet> parse_sequence_set(std::string_view text);

// The shortest wire form of a set of numbers ("1:3,7,9:10"), e.g. for COPYUID (RFC 4315 §3)
// and ESEARCH ALL; numbers need not be sorted or unique. Empty input gives "".
std::string compress_numbers(std::span<const std::uint32_t> numbers);

}  // namespace sealbox::imap

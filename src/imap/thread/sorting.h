#pragma once
// SORT (RFC 5256 §3) and the DISPLAYFROM/DISPLAYTO keys of RFC 5957, over what the store knows
// of each message.

#include <cstdint>
#include <string>
#include <vector>

namespace sealbox::imap {

struct SortRecord {
    std::uint32_t number = 0;  // a sequence number or a UID, as the response shows it
    std::int64_t arrival = 0;  // INTERNALDATE
    std::int64_t sent = 0;     // RFC 5256 §2.2: Date:, or INTERNALDATE when it has none
    std::uint64_t size = 0;    // RFC822.SIZE
    std::string subject;       // base subject (base_subject().text)
    std::string from, to, cc;  // addr-mailbox of the first address, empty when none
    std::string display_from;  // RFC 5957 §3: the display name, else the addr-spec
    std::string display_to;
};

enum class SortKey { arrival, cc, date, from, size, subject, to, display_from, display_to };

struct SortCriterion {
    SortKey key = SortKey::arrival;
    bool reverse = false;
};

// The numbers in the order the criteria give; ties fall back to the number (RFC 5256 §3:
// "the order of messages with equal keys is by sequence number"). Strings compare with
// i;ascii-casemap.
std::vector<std::uint32_t> sort_messages(std::vector<SortRecord> records,
                                         const std::vector<SortCriterion>& criteria);

}  // namespace sealbox::imap

#include "imap/thread/sorting.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace sealbox::imap {
namespace {

// i;ascii-casemap (RFC 4790 §9.2).
int compare_casemap(std::string_view a, std::string_view b) {
    std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        int x = std::toupper(static_cast<unsigned char>(a[i]));
        int y = std::toupper(static_cast<unsigned char>(b[i]));
        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

template <typename T>
int compare_values(const T& a, const T& b) {
    return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_by(const SortRecord& a, const SortRecord& b, SortKey key) {
    switch (key) {
        case SortKey::arrival:
            return compare_values(a.arrival, b.arrival);
        case SortKey::date:
            return compare_values(a.sent, b.sent);
        case SortKey::size:
            return compare_values(a.size, b.size);
        case SortKey::subject:
            return compare_casemap(a.subject, b.subject);
        case SortKey::from:
            return compare_casemap(a.from, b.from);
        case SortKey::to:
            return compare_casemap(a.to, b.to);
        case SortKey::cc:
            return compare_casemap(a.cc, b.cc);
        case SortKey::display_from:
            return compare_casemap(a.display_from, b.display_from);
        case SortKey::display_to:
            return compare_casemap(a.display_to, b.display_to);
    }
    return 0;
}

}  // namespace

std::vector<std::uint32_t> sort_messages(std::vector<SortRecord> records,
                                         const std::vector<SortCriterion>& criteria) {
    std::sort(records.begin(), records.end(), [&](const SortRecord& a, const SortRecord& b) {
        for (const auto& c : criteria) {
            int order = compare_by(a, b, c.key);
            if (order != 0) {
                return c.reverse ? order > 0 : order < 0;
            }
        }
        return a.number < b.number;
    });
    std::vector<std::uint32_t> out;
    out.reserve(records.size());
    for (const auto& r : records) {
        out.push_back(r.number);
    }
    return out;
}

}  // namespace sealbox::imap

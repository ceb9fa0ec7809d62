#include "server/imap_flags.h"

#include <algorithm>
#include <string_view>

#include "core/error.h"
#include "store/mailbox_store.h"

namespace sealbox::server {
namespace {

struct SystemFlag {
    std::string_view name;
    std::uint32_t bit;
};

constexpr SystemFlag kSystemFlags[] = {
    {"\\Seen", store::kFlagSeen},       {"\\Answered", store::kFlagAnswered},
    {"\\Flagged", store::kFlagFlagged}, {"\\Deleted", store::kFlagDeleted},
    {"\\Draft", store::kFlagDraft},
};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c + 32) : c; };
               return lower(x) == lower(y);
           });
}

// RFC 9051 §9: flag-keyword = atom; ATOM-CHAR excludes atom-specials and non-ASCII.
bool is_atom(std::string_view text) {
    constexpr std::string_view specials = "(){ %*\"\\]";
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](char c) {
        auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && specials.find(c) == std::string_view::npos;
    });
}

}  // namespace

StoreFlags parse_flags(std::span<const std::string> flags) {
    StoreFlags out;
    for (const auto& flag : flags) {
        if (flag.starts_with('\\')) {
            if (equal_ignoring_case(flag, "\\Recent")) {
                continue;
            }
            auto system = std::find_if(
                std::begin(kSystemFlags), std::end(kSystemFlags),
                [&](const SystemFlag& f) { return equal_ignoring_case(f.name, flag); });
            if (system == std::end(kSystemFlags)) {
                throw Error(ErrorCode::invalid_argument, "unknown system flag");
            }
            out.bits |= system->bit;
            continue;
        }
        if (!is_atom(flag)) {
            throw Error(ErrorCode::invalid_argument, "a keyword must be an atom");
        }
        if (std::none_of(out.keywords.begin(), out.keywords.end(),
                         [&](const std::string& k) { return equal_ignoring_case(k, flag); })) {
            out.keywords.push_back(flag);
        }
    }
    return out;
}

std::vector<std::string> flag_names(std::uint32_t bits, std::string_view keywords) {
    std::vector<std::string> out;
    for (const auto& f : kSystemFlags) {
        if (bits & f.bit) {
            out.emplace_back(f.name);
        }
    }
    std::size_t start = 0;
    while (start < keywords.size()) {
        auto end = std::min(keywords.find(' ', start), keywords.size());
        if (end > start) {
            out.emplace_back(keywords.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

std::string join_keywords(const std::vector<std::string>& keywords) {
    std::string out;
    for (const auto& k : keywords) {
        out += out.empty() ? "" : " ";
        out += k;
    }
    return out;
}

}  // namespace sealbox::server

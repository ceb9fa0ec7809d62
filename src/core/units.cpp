#include "core/units.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <limits>

#include "core/error.h"

namespace sealbox {
namespace {

struct Unit {
    std::string_view suffix;
    std::uint64_t factor;
};

// Splits "64KiB" into 64 and "KiB"; rejects empty numbers, signs and overflow.
std::pair<std::uint64_t, std::string_view> split_number(std::string_view text, const char* what) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end == text.data()) {
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("invalid {} \"{}\": expected a number and a unit", what, text));
    }
    std::string_view unit = text.substr(static_cast<std::size_t>(end - text.data()));
    while (!unit.empty() && unit.front() == ' ') {
        unit.remove_prefix(1);
    }
    return {value, unit};
}

template <std::size_t N>
std::uint64_t scale(std::string_view text, const std::array<Unit, N>& units, const char* what,
                    const char* expected) {
    auto [value, suffix] = split_number(text, what);
    for (const auto& unit : units) {
        if (suffix == unit.suffix) {
            if (value > std::numeric_limits<std::uint64_t>::max() / unit.factor) {
                throw Error(ErrorCode::invalid_argument,
                            fmt::format("{} \"{}\" is too large", what, text));
            }
            return value * unit.factor;
        }
    }
    throw Error(ErrorCode::invalid_argument,
                fmt::format("invalid {} \"{}\": unknown unit \"{}\" (use {})", what, text, suffix,
                            expected));
}

constexpr std::uint64_t kKi = 1024;

constexpr std::array<Unit, 13> kSizeUnits{{
    {"", 1},
    {"B", 1},
    {"K", kKi},
    {"KB", kKi},
    {"KiB", kKi},
    {"M", kKi * kKi},
    {"MB", kKi * kKi},
    {"MiB", kKi * kKi},
    {"G", kKi * kKi * kKi},
    {"GB", kKi * kKi * kKi},
    {"GiB", kKi * kKi * kKi},
    {"T", kKi * kKi * kKi * kKi},
    {"TiB", kKi * kKi * kKi * kKi},
}};

constexpr std::array<Unit, 6> kDurationUnits{{
    {"", 1000},
    {"ms", 1},
    {"s", 1000},
    {"m", 60 * 1000},
    {"h", 60 * 60 * 1000},
    {"d", 24 * 60 * 60 * 1000},
}};

}  // namespace

std::uint64_t parse_size(std::string_view text) {
    return scale(text, kSizeUnits, "size", "B, K, M, G or T");
}

std::string format_size(std::uint64_t bytes) {
    constexpr std::array<char, 4> kPrefixes{'K', 'M', 'G', 'T'};
    if (bytes < kKi) {
        return fmt::format("{}B", bytes);
    }
    double value = static_cast<double>(bytes) / kKi;
    std::size_t prefix = 0;
    while (value >= kKi && prefix + 1 < kPrefixes.size()) {
        value /= kKi;
        ++prefix;
    }
    return fmt::format("{:.1f}{}", value, kPrefixes[prefix]);
}

std::chrono::milliseconds parse_duration(std::string_view text) {
    std::uint64_t ms = scale(text, kDurationUnits, "duration", "ms, s, m, h or d");
    if (ms > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        throw Error(ErrorCode::invalid_argument, fmt::format("duration \"{}\" is too large", text));
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

}  // namespace sealbox

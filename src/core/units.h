#pragma once
// Human-friendly sizes ("64M") and durations ("15m") as written in the configuration and the CLI.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace sealbox {

// "1024", "64K", "64KiB", "10M", "1G", "2T" (binary multiples); throws Error(invalid_argument).
std::uint64_t parse_size(std::string_view text);
// Shortest readable form: "140B", "10.0M", "1.0G".
std::string format_size(std::uint64_t bytes);

// "30s", "15m", "2h", "7d", "500ms"; a bare number is seconds; throws Error(invalid_argument).
std::chrono::milliseconds parse_duration(std::string_view text);

}  // namespace sealbox

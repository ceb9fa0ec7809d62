#pragma once
// Dates as mail writes them.

#include <ctime>
#include <string>

namespace sealbox {

// RFC 5322 §3.3 date-time in UTC, independent of the locale: "Mon, 23 Nov 2026 06:18:01 +0000".
std::string rfc5322_date(std::time_t time);

}  // namespace sealbox

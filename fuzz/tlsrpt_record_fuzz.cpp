// A TLS-RPT record comes from any DNS zone (RFC 8460 §3): the parser must never crash, and what
// it accepts must hold usable URIs (a scheme, no separators left in them).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "reports/tlsrpt_record.h"

using sealbox::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sealbox::reports;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto record = parse_tlsrpt_record(input);
    if (record) {
        check(input.starts_with("v=TLSRPTv1") && !record->rua.empty());
        for (const auto& uri : record->rua) {
            check(!uri.empty() && uri.find(':') != std::string::npos);
            check(uri.find_first_of(",; \t") == std::string::npos);
        }
    }
    // The same text as one of several TXT records.
    auto selected = select_tlsrpt_record({std::string(input), "v=spf1 -all"});
    check(!selected || record);
    return 0;
}

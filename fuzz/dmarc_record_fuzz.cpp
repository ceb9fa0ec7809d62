// A DMARC record comes from any DNS zone (RFC 7489 §6.3) and the From domain from any message:
// the record parser must never crash and what it accepts must keep the record's invariants; the
// organizational domain (§3.2) of any name must be a suffix of it and its own.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "mailauth/dmarc/public_suffix.h"
#include "mailauth/dmarc/record.h"

using sealbox::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sealbox::mailauth::dmarc;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    static const PublicSuffixList suffixes =
        PublicSuffixList::parse("com\nco.uk\n*.ck\n!www.ck\n公司.cn\n*.platform.example\n");
    if (auto organizational = suffixes.organizational_domain(input)) {
        auto ascii = to_ascii_domain(input);
        check(ascii && ascii->ends_with(*organizational));
        check(suffixes.organizational_domain(*organizational) == organizational);
    }

    auto record = parse_record(input);
    if (!record) {
        return 0;
    }
    check(is_dmarc_record(input));
    check(record->percent >= 0 && record->percent <= 100);
    check(!record->failure_options.empty() && !record->report_formats.empty());
    check(!record->policy_defaulted || !record->aggregate_uris.empty());
    for (const auto& uri : record->aggregate_uris) {
        check(uri.uri.find(':') != std::string::npos && uri.uri.find(',') == std::string::npos);
    }
    return 0;
}

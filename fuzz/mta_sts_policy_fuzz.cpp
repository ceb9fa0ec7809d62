// What a recipient domain (or whoever answers for it) controls: the MTA-STS TXT record and the
// policy file. No parser may crash; a policy that parses must hold what RFC 8461 §3.2 allows,
// and serialize to a text that parses back to itself.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "mtasts/policy.h"

using sealbox::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sealbox::mtasts;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto record = parse_sts_record(text)) {
        check(!record->id.empty() && record->id.size() <= 32);
    }
    auto parsed = parse_policy(text);
    check(parsed.policy.has_value() == parsed.error.empty());
    if (parsed.policy) {
        const Policy& p = *parsed.policy;
        check(p.max_age >= 0 && p.max_age <= kMaxPolicyAge);
        check(p.mode == Mode::none || !p.mx.empty());
        auto again = parse_policy(to_text(p));
        check(again.policy && again.policy->mx == p.mx && again.policy->mode == p.mode &&
              again.policy->max_age == p.max_age);
        for (const auto& mx : p.mx) {
            if (!mx.starts_with("*.")) {
                check(mx_matches(p, mx));
            }
        }
        mx_matches(p, text.substr(0, 64));
    }
    return 0;
}

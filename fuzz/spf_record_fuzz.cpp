// What a domain's owner controls: the TXT record check_host() parses (RFC 7208 §4.5, §12) and the
// macro-strings it expands (§7). No input may crash; a record that parses has only well-formed
// domain-specs, which must expand; expansion must agree with the syntax check.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "mailauth/spf/macro.h"
#include "mailauth/spf/record.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::mailauth::spf;

MacroContext fixed_context() {
    MacroContext c;
    c.sender = "strong-bad@email.example.com";
    c.local_part = "strong-bad";
    c.sender_domain = "email.example.com";
    c.domain = "email.example.com";
    c.ip = boost::asio::ip::make_address("2001:db8::cb01");
    c.helo = "mx.example.org";
    c.validated_name = "mail.example.org";
    c.receiver = "mx.sealbox.example";
    c.timestamp = 1700000000;
    return c;
}

void expands(std::string_view spec, const MacroContext& context) {
    if (!spec.empty()) {
        check(expand(spec, context, MacroUse::domain_spec).has_value());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    static const MacroContext context = fixed_context();

    auto parsed = parse_record(text);
    check(parsed.record.has_value() == parsed.error.empty());
    if (parsed.record) {
        check(is_spf_record(text));
        for (const auto& m : parsed.record->mechanisms) {
            expands(m.domain_spec, context);
        }
        expands(parsed.record->redirect.value_or(""), context);
        expands(parsed.record->explanation.value_or(""), context);
    }

    // The same bytes as explanation text and as a domain-spec.
    for (auto use : {MacroUse::domain_spec, MacroUse::modifier, MacroUse::explanation}) {
        check(expand(text, context, use).has_value() == is_macro_string(text, use));
    }
    if (is_domain_spec(text)) {
        check(is_macro_string(text, MacroUse::domain_spec));
    }
    return 0;
}

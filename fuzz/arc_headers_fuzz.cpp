// What a sender controls: ARC-Seal, ARC-Message-Signature and ARC-Authentication-Results fields
// (RFC 8617 §4.1) and the message that carries them. No parser may crash, and what parses must
// satisfy the RFC's rules: instances from 1 to 50 (§4.2.1), no h= in a seal (§4.1.3), no ARC-Seal
// in a message signature's h= (§4.1.2), and a chain without error is sets 1..N, each complete,
// cv=none first and pass after (§5.2 step 3).

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fuzz_check.h"
#include "mailauth/arc/chain.h"
#include "mailauth/arc/fields.h"
#include "mailauth/dkim/syntax.h"
#include "smtp/proto/chars.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::mailauth::arc;

bool valid_instance(unsigned instance) {
    return instance >= 1 && instance <= max_instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);

    if (auto instance = parse_instance(input)) {
        check(valid_instance(*instance));
    }
    if (auto aar = parse_authentication_results(input)) {
        check(valid_instance(aar->instance));
        check(instance_of(FieldKind::authentication_results, input) == aar->instance);
    }
    auto seal = parse_seal(input);
    check(seal.seal.has_value() == seal.error.empty());
    if (seal.seal) {
        check(valid_instance(seal.seal->instance));
        check(instance_of(FieldKind::seal, input) == seal.seal->instance);
        check(sealbox::mailauth::dkim::is_domain_name(seal.seal->domain));
        check(!seal.seal->signature.empty());
    }
    auto ams = parse_message_signature(input);
    check(ams.message_signature.has_value() == ams.error.empty());
    if (ams.message_signature) {
        check(valid_instance(ams.message_signature->instance));
        for (const auto& name : ams.message_signature->signature.signed_headers) {
            check(!sealbox::smtp::chars::iequals(name, "ARC-Seal"));
        }
    }

    auto message = sealbox::mailauth::dkim::parse_message(input);
    auto chain = collect_chain(message);
    check(chain.highest_instance <= max_instance);
    check(!chain.marked_fail || !chain.error.empty());  // a cv=fail anywhere fails the chain
    if (!chain.empty() && chain.error.empty()) {
        check(chain.sets.size() == chain.highest_instance);
        for (std::size_t i = 0; i < chain.sets.size(); ++i) {
            const auto& set = chain.sets[i];
            check(set.instance == i + 1);
            check(set.authentication_results && set.message_signature && set.seal_field);
            check(set.seal && set.seal->cv == (i == 0 ? ChainStatus::none : ChainStatus::pass));
        }
    }
    return 0;
}

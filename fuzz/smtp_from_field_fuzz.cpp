// What a submission client controls after DATA: the From: field reader must never crash, and
// every address it returns must be one core accepts. Also base64 of SASL exchanges, which must
// round-trip whatever it decodes.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/base64.h"
#include "fuzz_check.h"
#include "smtp/session/from_field.h"

using sealbox::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto from = sealbox::smtp::read_from_field(input);
    check(from.problem == sealbox::smtp::FromField::Problem::none || from.addresses.empty());
    for (const auto& address : from.addresses) {
        check(sealbox::parse_address(address.str()).has_value());
    }
    if (auto decoded = sealbox::base64_decode(input)) {
        check(sealbox::base64_encode(*decoded) == input);
    }
    return 0;
}

// What a sender and a DNS zone control: DKIM-Signature fields (RFC 6376 §3.5), key records
// (§3.6.1) and the message they cover. No parser may crash, whatever parses must satisfy the
// §6.1.1 rules, and canonicalization must be stable (canonical text canonicalizes to itself).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "mailauth/dkim/canonicalization.h"
#include "mailauth/dkim/key_record.h"
#include "mailauth/dkim/message.h"
#include "mailauth/dkim/signature.h"
#include "mailauth/dkim/syntax.h"
#include "mailauth/dkim/verify.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::mailauth::dkim;

bool has_from(const Signature& sig) {
    for (const auto& name : sig.signed_headers) {
        if (name.size() == 4 && (name[0] | 0x20) == 'f' && (name[1] | 0x20) == 'r' &&
            (name[2] | 0x20) == 'o' && (name[3] | 0x20) == 'm') {
            return true;
        }
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);

    auto parsed = parse_signature(input);
    check(parsed.signature.has_value() == parsed.error.empty());
    if (parsed.signature) {
        const auto& sig = *parsed.signature;
        check(is_domain_name(sig.domain) && is_selector(sig.selector));
        check(is_same_or_subdomain(sig.identity_domain(), sig.domain));
        check(has_from(sig));
        check(!sig.signature.empty() && !sig.body_hash.empty());
        check(!sig.timestamp || !sig.expiration || *sig.expiration > *sig.timestamp);
    }

    auto key = parse_key_record(input);
    check(key.record.has_value() == key.error.empty());

    // The input as a message: every DKIM-Signature in it checked against the input as its key.
    auto message = parse_message(input);
    sealbox::dns::TxtAnswer answer;
    answer.status = sealbox::dns::Status::ok;
    answer.records.emplace_back(input);
    for (const auto& field : message.headers) {
        auto relaxed = canonicalize_header(field.text, Canon::relaxed);
        check(relaxed.ends_with("\r\n"));
        check(canonicalize_header(relaxed, Canon::relaxed) == relaxed);
        without_b_value(field.text);
        auto field_check = check_signature_field(field, {.now = 1700000000});
        if (field_check.signature) {
            check_with_key(message, field, *field_check.signature, answer, field_check.result);
        }
    }
    for (auto canon : {Canon::simple, Canon::relaxed}) {
        auto body = canonicalize_body(message.body, canon);
        check(canonicalize_body(body, canon) == body);
    }
    return 0;
}

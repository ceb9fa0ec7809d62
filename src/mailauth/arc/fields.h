#pragma once
// The three header fields of an ARC Set (RFC 8617 §4.1): ARC-Authentication-Results,
// ARC-Message-Signature and ARC-Seal, each carrying its instance (§4.2.1). Pure: what a sender
// wrote is parsed into values or refused with a reason, never an exception (fuzzed by
// fuzz/arc_headers_fuzz.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mailauth/dkim/message.h"
#include "mailauth/dkim/signature.h"

namespace sealbox::mailauth::arc {

// §4.2.1: "The 'i' tag value MUST be an integer between 1 and 50".
inline constexpr unsigned max_instance = 50;

// cv= of an ARC-Seal (§4.1.3, §4.4): what the sealer found of the chain before its own set.
enum class ChainStatus { none, pass, fail };

std::string_view to_string(ChainStatus status);

enum class FieldKind { authentication_results, message_signature, seal };

// Which ARC field a header field name is (without case), nullopt for any other field.
std::optional<FieldKind> field_kind(std::string_view name);

// A field's value: everything after its colon, folds kept, without the final CRLF.
std::string_view field_value(const dkim::HeaderField& field);

// §4.2.1 instance: decimal digits from 1 to 50.
std::optional<unsigned> parse_instance(std::string_view text);

// ARC-Authentication-Results (§4.1.1): "i=" instance ";" and then the authres-payload of an
// Authentication-Results field (RFC 8601 §2.2), which ARC keeps as written.
struct AuthenticationResults {
    unsigned instance = 0;
    std::string payload;  // authserv-id and results, without the whitespace around them
};
std::optional<AuthenticationResults> parse_authentication_results(std::string_view value);

// ARC-Message-Signature (§4.1.2): a DKIM-Signature but for the name, no v= (ignored if seen),
// and i= the instance instead of the AUID. rsa-sha1 is refused (RFC 8301 §3.1), h= must not name
// ARC-Seal (§4.1.2), and c= defaults to relaxed/relaxed (see parse_message_signature).
struct MessageSignature {
    unsigned instance = 0;
    dkim::Signature signature;  // identity is "@" + d=
};
struct MessageSignatureParse {
    std::optional<MessageSignature> message_signature;
    std::string error;
};
MessageSignatureParse parse_message_signature(std::string_view value);

// ARC-Seal (§4.1.3): i, a, b, cv, d and s required, t optional, and no h=; relaxed header
// canonicalization always (§5.1.1), so no c= either.
struct Seal {
    unsigned instance = 0;
    ChainStatus cv = ChainStatus::none;
    dkim::Algorithm algorithm = dkim::Algorithm::rsa_sha256;
    std::string signature;                   // b=, decoded
    std::string b_text;                      // b= without its whitespace
    std::string domain;                      // d=
    std::string selector;                    // s=
    std::optional<std::uint64_t> timestamp;  // t=
};
struct SealParse {
    std::optional<Seal> seal;
    std::string error;
};
SealParse parse_seal(std::string_view value);

// The instance of an ARC field of `kind`, as far as it can be read: i= of its tag list (AMS,
// AS) or its leading "i=N;" (AAR). What §5.2 step 3 groups the fields into sets by.
std::optional<unsigned> instance_of(FieldKind kind, std::string_view value);

}  // namespace sealbox::mailauth::arc

#pragma once
// The DKIM-Signature header field (RFC 6376 §3.5) and the checks §6.1.1 makes of it before any
// DNS query. Pure: a malformed field is an error with a reason, never an exception.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/canonicalization.h"
#include "mailauth/tag_list.h"

namespace sealbox::mailauth::dkim {

// a= (§3.3, RFC 8463 §3). rsa-sha1 parses, but verifiers must not accept it (RFC 8301 §3.1).
enum class Algorithm { rsa_sha1, rsa_sha256, ed25519_sha256 };

std::string_view to_string(Algorithm algorithm);

struct Signature {
    Algorithm algorithm = Algorithm::rsa_sha256;
    std::string signature;  // b=, decoded
    std::string b_text;     // b= without its whitespace, for header.b (RFC 6008 §2)
    std::string body_hash;  // bh=, decoded
    Canonicalization canonicalization;
    std::string domain;                        // d=, as written
    std::vector<std::string> signed_headers;   // h=, in order, as written
    std::string identity;                      // i=, "@" + d= when absent (§3.5)
    std::optional<std::uint64_t> body_length;  // l=
    std::string selector;                      // s=
    std::optional<std::uint64_t> timestamp;    // t=
    std::optional<std::uint64_t> expiration;   // x=
    std::string copied_headers;                // z=, raw (diagnostic only)

    // The domain part of identity.
    std::string_view identity_domain() const;
};

struct SignatureParse {
    std::optional<Signature> signature;
    std::string error;  // why not, when signature is empty
};

// `value` is the field's value: everything after "DKIM-Signature:", folds included.
SignatureParse parse_signature(std::string_view value);

// The tags DKIM-Signature shares with ARC-Message-Signature, which has "the same syntax and
// semantics" but for v= and i= (RFC 8617 §4.1.2): a, b, bh, c, d, h, l, q, s, t, x and z. Fills
// `sig` (identity as "@" + d=) and returns an empty string, or returns why the tags are not a
// signature. Empty names in h= are passed over (parse_signature refuses them).
std::string parse_shared_tags(const TagList& tags, Signature& sig);

}  // namespace sealbox::mailauth::dkim

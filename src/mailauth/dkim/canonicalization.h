#pragma once
// RFC 6376 §3.4: the "simple" and "relaxed" canonicalizations of header fields and bodies, and
// the hashes a signature covers (§3.7). ARC (RFC 8617 §5.1.1, §5.1.2) reuses them. Pure.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim/message.h"

namespace sealbox::mailauth::dkim {

enum class Canon { simple, relaxed };

// c= (RFC 6376 §3.5): header/body.
struct Canonicalization {
    Canon header = Canon::simple;
    Canon body = Canon::simple;
};

// A whole field, name through its final CRLF, as §3.4.1 (simple) or §3.4.2 (relaxed) makes it;
// the result ends with CRLF.
std::string canonicalize_header(std::string_view field, Canon canon);
// §3.4.3 (simple) and §3.4.4 (relaxed).
std::string canonicalize_body(std::string_view body, Canon canon);

using Sha256 = std::array<std::uint8_t, 32>;

struct BodyHash {
    Sha256 digest{};
    // Octets of canonical body the hash covers: `limit` when one was given and the body is at
    // least that long, else the whole canonical body.
    std::uint64_t hashed_length = 0;
    std::uint64_t canonical_length = 0;
};

// bh= (§3.7): SHA-256 of the canonical body, cut at `limit` octets (l=, §3.5) when given.
BodyHash hash_body(std::string_view body, Canon canon, std::optional<std::uint64_t> limit);

// §3.7: the field with the value of its b= tag deleted (the tag itself stays, as "b="). A field
// with no b= tag comes back unchanged.
std::string without_b_value(std::string_view field);

// §3.7: SHA-256 of the selected fields, each canonicalized, followed by the signature field
// itself (its b= value deleted here) canonicalized without its final CRLF.
Sha256 hash_headers(const std::vector<const HeaderField*>& selected,
                    std::string_view signature_field, Canon canon);

}  // namespace sealbox::mailauth::dkim

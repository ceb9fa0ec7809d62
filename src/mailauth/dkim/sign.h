#pragma once
// DKIM signing (RFC 6376 §5): relaxed/relaxed, SHA-256, RSA or Ed25519 (RFC 8463). A dual
// signature is two calls, one per key, each field prepended. Pure but for the key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailauth/dkim/canonicalization.h"
#include "mailauth/dkim/keys.h"
#include "mailauth/dkim/message.h"

namespace sealbox::mailauth::dkim {

struct SignOptions {
    std::string domain;          // d=
    std::string selector;        // s=
    std::int64_t timestamp = 0;  // t=, seconds since the epoch
};

// The h= list for this message (§5.4, §8.15): the fields that carry meaning when present, and
// From, To, Cc, Subject, Date, Message-ID and Reply-To once more than they occur, so that no
// instance of them can be added later without breaking the signature. Lower case.
std::vector<std::string> headers_to_sign(const std::vector<HeaderField>& headers);

// The signing step DKIM and ARC share (RFC 6376 §3.7, RFC 8617 §5.1): writes the field
// `name: tag=value; ...; b=<signature>` folded at 78 columns, where the signature covers the
// `selected` fields and the field itself (with b= empty) under `header_canon`. Values may fold
// after a ":". Where `tags` holds a "b" entry (its value unused), the signature is written there
// instead, unbroken on a line of its own: ARC writes its tags in a fixed order with b= among them
// (RFC 8617 §5.1). Returns the field with its CRLF.
std::string write_signed_field(std::string_view name,
                               const std::vector<std::pair<std::string, std::string>>& tags,
                               const std::vector<const HeaderField*>& selected, Canon header_canon,
                               const SigningKey& key);

// The DKIM-Signature field (with its CRLF) to prepend to the message. Throws
// Error(invalid_argument) when the message has no From field (§5.4: From MUST be signed) or the
// domain or selector is not a name.
std::string sign(const Message& message, const SigningKey& key, const SignOptions& options);

}  // namespace sealbox::mailauth::dkim

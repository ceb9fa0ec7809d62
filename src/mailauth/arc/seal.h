#pragma once
// ARC sealing (RFC 8617 §5.1): the ARC Set a forwarder adds, given the result of validating the
// chain the message arrived with. Pure but for the key.

#include <cstdint>
#include <string>
#include <vector>

#include "mailauth/arc/fields.h"
#include "mailauth/dkim/keys.h"
#include "mailauth/dkim/message.h"

namespace sealbox::mailauth::arc {

struct SealOptions {
    ChainStatus cv = ChainStatus::none;  // validate()'s result for the message as it arrived
    std::string authserv_id;             // ours, as in our Authentication-Results field
    // The results our Authentication-Results field holds after the authserv-id (RFC 8601 §2.2
    // resinfo, ";"-separated), e.g. "spf=pass smtp.mailfrom=a@example.org; dkim=pass ...", on
    // one line: it is folded here.
    std::string results;
    std::string domain;          // d=
    std::string selector;        // s=
    std::int64_t timestamp = 0;  // t=, seconds since the epoch
    // h= of the ARC-Message-Signature: the fields to sign, From among them (as dkim::
    // headers_to_sign gives them); never ARC-Seal (§4.1.2).
    std::vector<std::string> headers;
};

// The new ARC Set's fields, each with its CRLF, in the order to prepend them from the top:
// ARC-Seal, ARC-Message-Signature, ARC-Authentication-Results. The instance is one more than the
// highest in the message (§5.1 step 3). With cv=fail the seal covers this set alone (§5.1.2).
// Empty when the chain may not be continued: its latest ARC-Seal already says cv=fail (§5.1 step
// 2), or it has 50 sets (§4.2.1). Throws Error(invalid_argument) when the options cannot be
// sealed: a domain or selector that is not a name, an authserv-id or results with line breaks,
// h= without From or with ARC-Seal, or a cv that contradicts the message (none with ARC Sets
// present, pass or fail without, pass over a chain that is not sound).
std::vector<std::string> seal(const dkim::Message& message, const SealOptions& options,
                              const dkim::SigningKey& key);

}  // namespace sealbox::mailauth::arc

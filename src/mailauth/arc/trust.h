#pragma once
// Trusted ARC sealers (RFC 8617 §7.2.1, RFC 7489 §6.7 local policy): a mailing list that tags
// the subject or adds a footer breaks the author's DKIM signature, and the message fails DMARC
// at the next hop. If the list sealed the message with ARC, and the receiver trusts the list, the
// list's own ARC-Authentication-Results, written before it changed anything, can stand in for
// the DMARC pass the message no longer earns. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/arc/chain.h"
#include "mailauth/arc/validate.h"

namespace sealbox::mailauth::arc {

struct TrustedPass {
    unsigned instance = 0;
    std::string sealer;  // its ARC-Seal d=, lower case
};

// The newest ARC Set that (1) belongs to a chain that validated, (2) is sealed by one of
// `trusted_sealers` (domains, lower case, matched exactly), (3) whose ARC-Message-Signature still
// verifies, so the message is as that sealer passed it on, and (4) whose
// ARC-Authentication-Results says dmarc=pass with header.from equal to `from_domain` (without
// regard to case). nullopt when no set does.
std::optional<TrustedPass> trusted_dmarc_pass(const Chain& chain, const Validation& validation,
                                              const std::vector<std::string>& trusted_sealers,
                                              std::string_view from_domain);

// RFC 8617 §7.2.2: the comment of a DMARC aggregate report's local_policy reason, naming each
// sealer newest first: "arc=pass as[2].d=list.example as[2].s=s1 as[1].d=... as[1].s=...".
std::string report_comment(const Chain& chain);

}  // namespace sealbox::mailauth::arc

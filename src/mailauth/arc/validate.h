#pragma once
// ARC validation (RFC 8617 §5.2): the chain's structure, the latest ARC-Message-Signature, every
// ARC-Seal, and the oldest instance whose message signature still verifies. Keys come through
// DnsLookup; nothing else leaves the process.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mailauth/arc/fields.h"
#include "mailauth/auth_results.h"
#include "mailauth/dkim/message.h"
#include "mailauth/dkim/verify.h"
#include "mailauth/dns_lookup.h"

namespace sealbox::mailauth::arc {

struct Validation {
    // none: no ARC Sets; fail: any error at all, DNS failures included (§5.2.1); pass.
    ChainStatus result = ChainStatus::none;
    std::string reason;      // why, for people and logs; never message content
    unsigned instances = 0;  // N, the highest instance
    // §5.2 step 5 ("oldest-pass", §6): the oldest instance whose ARC-Message-Signature still
    // verifies, 0 when all do. Set when the chain passes.
    std::optional<unsigned> oldest_pass;
    // §5.2 step 4: the ARC-Message-Signature of instance N, once the structure allowed a check.
    std::optional<dkim::SignatureResult> latest_message_signature;
    // §5.2 step 6: the ARC-Seals from instance N down, as far as checking went.
    std::vector<dkim::SignatureResult> seals;
    // An ARC-Seal says cv=fail: a sealer before us found the chain broken and ended it (§5.1.2).
    bool marked_fail = false;
};

// `message` must outlive the wait. `run` runs the hashing of each ARC-Message-Signature, as for
// dkim::verify (the server's runs it on the worker pool); empty: in place.
boost::asio::awaitable<Validation> validate(const dkim::Message& message, DnsLookup& dns,
                                            dkim::KeyCheckRunner run = {});

// The "arc" result for Authentication-Results (RFC 8617 §6): arc=<cv>, with header.oldest-pass
// when the chain passed and smtp.remote-ip when the client's address is given.
MethodResult method_result(const Validation& validation,
                           std::optional<boost::asio::ip::address> remote_ip = std::nullopt);

}  // namespace sealbox::mailauth::arc

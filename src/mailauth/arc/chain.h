#pragma once
// The Authenticated Received Chain of a message (RFC 8617 §4.2): its ARC Sets grouped by
// instance, and the structural rules of §5.2 steps 1 to 3, which need no DNS. Pure.

#include <optional>
#include <string>
#include <vector>

#include "mailauth/arc/fields.h"
#include "mailauth/dkim/message.h"

namespace sealbox::mailauth::arc {

// One ARC Set (§4.2): the three fields that share an instance. Pointers into the message.
struct ArcSet {
    unsigned instance = 0;
    const dkim::HeaderField* authentication_results = nullptr;
    const dkim::HeaderField* message_signature = nullptr;
    const dkim::HeaderField* seal_field = nullptr;
    std::optional<Seal> seal;  // seal_field parsed, when it parses
};

struct Chain {
    // Indexed by instance - 1 (sets[0] is instance 1); complete only when `error` is empty.
    std::vector<ArcSet> sets;
    std::size_t arc_fields = 0;     // ARC header fields of any kind in the message
    unsigned highest_instance = 0;  // the largest valid instance any ARC field names
    // Why the fields are not a sound chain (§5.2 steps 1-3: a field with no valid instance, a
    // set with a field missing or twice, a gap, a seal that does not parse, cv= not "none" at
    // instance 1 or not "pass" after); empty when they are.
    std::string error;
    // cv= of the seal of the highest instance, when that seal parses (§5.1 step 2).
    std::optional<ChainStatus> latest_cv;
    // Some ARC-Seal says cv=fail: a sealer found the chain broken and ended it (§5.1.2).
    bool marked_fail = false;

    bool empty() const { return arc_fields == 0; }
};

// `message` must outlive the chain.
Chain collect_chain(const dkim::Message& message);

}  // namespace sealbox::mailauth::arc

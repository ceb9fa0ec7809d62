#pragma once
// What one delivery attempt means for each recipient and for the sender: the queue updates and
// the delivery report (RFC 3461 §5, RFC 3464), decided without I/O so that every rule can be
// tested on its own.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "queue/dsn.h"
#include "queue/queue_store.h"
#include "queue/retry_policy.h"

namespace sealbox::queue {

struct Attempt {
    enum class Result { delivered, deferred, failed };
    std::int64_t recipient_id = 0;
    Result result = Result::deferred;
    // "250 2.0.0 text" or "550 5.1.1 text" from a server; "4.4.1 text" when we decided.
    std::string reply;
    std::string remote_host;
    // Delivered to a server that does not announce DSN, so it will not report success itself
    // (RFC 3461 §5.2.2: we send the "relayed" report).
    bool relayed = false;
};

struct Decision {
    std::vector<RecipientUpdate> updates;
    std::optional<DsnReport> report;  // one report for all the news of this attempt, if any
};

// `message` as due() returned it; `attempts` for some of its recipients. Deferred recipients
// past policy.max_age fail with 4.4.7 (RFC 3463 §3.5). Reports go only to the authenticated
// account, and only for the recipients whose NOTIFY asks for that kind of news.
Decision decide(const Message& message, const std::vector<Attempt>& attempts,
                const RetryPolicy& policy, std::int64_t now, const std::string& hostname);

}  // namespace sealbox::queue

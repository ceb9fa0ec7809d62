#include "queue/outcome.h"

#include <algorithm>

namespace sealbox::queue {

Decision decide(const Message& message, const std::vector<Attempt>& attempts,
                const RetryPolicy& policy, std::int64_t now, const std::string& hostname) {
    Decision decision;
    DsnReport report;
    report.reporting_host = hostname;
    report.recipient = message.envelope.sender;
    report.envid = message.envelope.envid;
    report.arrival = message.created;
    report.now = now;
    report.headers_only = message.envelope.return_headers_only;
    report.utf8 = message.envelope.smtputf8;
    const bool reports_wanted =
        !message.envelope.account.empty() && !message.envelope.sender.empty();
    const std::int64_t give_up_at = message.created + policy.max_age.count();

    for (const auto& attempt : attempts) {
        auto it = std::find_if(message.recipients.begin(), message.recipients.end(),
                               [&](const Recipient& r) { return r.id == attempt.recipient_id; });
        if (it == message.recipients.end() || it->state != RecipientState::queued) {
            continue;
        }
        const Recipient& r = *it;
        RecipientUpdate update{r.id, RecipientState::queued, 0, attempt.reply, attempt.remote_host};
        DsnRecipient news{r.address,           r.orcpt, DsnAction::failed, attempt.reply,
                          attempt.remote_host, now,     give_up_at};
        bool tell = false;
        switch (attempt.result) {
            case Attempt::Result::delivered:
                update.state = RecipientState::delivered;
                news.action = DsnAction::relayed;
                tell = attempt.relayed && r.notify.success;
                break;
            case Attempt::Result::failed:
                update.state = RecipientState::failed;
                tell = r.notify.failure;
                break;
            case Attempt::Result::deferred:
                if (now >= give_up_at) {
                    update.state = RecipientState::failed;
                    update.reply = "4.4.7 Gave up after " +
                                   std::to_string(policy.max_age.count() / 3600) +
                                   " hours; last error: " + attempt.reply;
                    news.last_reply = update.reply;
                    tell = r.notify.failure;
                } else {
                    update.next_attempt = next_attempt_time(policy, r.attempts + 1, now);
                    news.action = DsnAction::delayed;
                    bool late = now - message.created >= policy.delay_warning.count();
                    tell = r.notify.delay && late && !r.delay_notified;
                    update.delay_notified = tell;
                }
                break;
        }
        decision.updates.push_back(std::move(update));
        if (tell && reports_wanted) {
            report.recipients.push_back(std::move(news));
        }
    }
    if (!report.recipients.empty()) {
        decision.report = std::move(report);
    }
    return decision;
}

}  // namespace sealbox::queue

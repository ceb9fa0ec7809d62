#include "server/smtp_mail_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "mailauth/dkim_keys/domain_signer.h"

namespace sealbox::server {

using smtp::DeliveryOutcome;
using smtp::RecipientCheck;
using smtp::RecipientStatus;

RecipientCheck StoreMailService::check_recipient(const MailAddress& address, std::uint64_t size) {
    RecipientCheck check;
    if (!store_.directory().find_domain(address.domain)) {
        check.status = RecipientStatus::remote;
        return check;
    }
    store::RecipientResolution resolution;
    try {
        resolution = store_.resolve(address.str());
    } catch (const Error& e) {
        if (e.code() != ErrorCode::not_found) {
            // An address core refuses, or an alias loop: nobody can receive it as it stands.
            spdlog::warn("recipient {}: {}", address.str(), e.what());
        }
        check.status = RecipientStatus::unknown;
        return check;
    }
    if (!resolution.external.empty()) {
        // The forwarded copies are queued whatever the local quotas say.
        check.status = RecipientStatus::forwarded;
        check.accounts = std::move(resolution.accounts);
        check.forward_to = std::move(resolution.external);
        return check;
    }
    // The store checks the quota again at delivery; refusing here spares the client the data.
    const auto needed = static_cast<std::int64_t>(std::max<std::uint64_t>(size, 1));
    bool room = false;
    for (const auto& account : resolution.accounts) {
        auto found = store_.directory().find_account(account);
        if (found &&
            (found->quota_bytes == 0 || found->used_bytes + needed <= found->quota_bytes)) {
            room = true;
        }
    }
    check.status = room ? RecipientStatus::local : RecipientStatus::over_quota;
    check.accounts = std::move(resolution.accounts);
    return check;
}

std::optional<std::string> StoreMailService::authenticate(std::string_view user,
                                                          std::string_view password) {
    try {
        // Logging in unlocks the account for accounts.unlock_idle; a submission session needs
        // only the check, so its hold on the keys ends here.
        auto session = store_.login(user, password);
        return session->account().account().address;
    } catch (const Error& e) {
        if (e.code() == ErrorCode::auth_failed) {
            return std::nullopt;
        }
        throw;
    }
}

bool StoreMailService::may_send_as(std::string_view account, const MailAddress& address) {
    if (!store_.directory().find_domain(address.domain)) {
        return false;
    }
    try {
        auto resolution = store_.resolve(address.str());
        return std::find(resolution.accounts.begin(), resolution.accounts.end(), account) !=
               resolution.accounts.end();
    } catch (const Error&) {
        return false;
    }
}

std::vector<DeliveryOutcome> StoreMailService::deliver(std::string_view message,
                                                       const std::vector<std::string>& accounts,
                                                       std::string_view folder) {
    using Failure = DeliveryOutcome::Failure;
    const bool too_big =
        message.size() > static_cast<std::uint64_t>(store_.options().max_message_bytes);
    std::vector<DeliveryOutcome> outcomes;
    for (const auto& result : store_.deliver(message, accounts, folder)) {
        DeliveryOutcome outcome{result.account, Failure::none};
        if (!result.delivered) {
            spdlog::warn("delivery to {} failed: {}", result.account, result.message);
            switch (result.error.value_or(ErrorCode::internal)) {
                case ErrorCode::quota_exceeded:
                    outcome.failure = Failure::mailbox_full;
                    break;
                case ErrorCode::not_found:
                    outcome.failure = Failure::no_mailbox;
                    break;
                case ErrorCode::invalid_argument:
                    outcome.failure = too_big ? Failure::too_big : Failure::no_mailbox;
                    break;
                default:
                    outcome.failure = Failure::temporary;
            }
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

void StoreMailService::enqueue(const smtp::OutboundMessage& message, std::string_view content) {
    queue::Envelope envelope;
    envelope.queue_id = message.id;
    envelope.sender = message.sender.value_or("");
    // RFC 3461 §6.2: never a report about a report, so none for the null reverse-path.
    envelope.account = message.sender ? message.account : "";
    envelope.envid = message.params.envid.value_or("");
    envelope.return_headers_only = message.params.ret == smtp::Ret::hdrs;
    envelope.eight_bit = message.params.body == smtp::Body::eight_bit_mime;
    envelope.smtputf8 = message.params.smtputf8;
    envelope.requiretls = message.params.requiretls;
    std::vector<queue::Recipient> recipients;
    for (const auto& r : message.recipients) {
        queue::Recipient q;
        q.address = r.address;
        if (r.orcpt) {
            q.orcpt = r.orcpt->addr_type + ";" + r.orcpt->address;
        }
        if (r.notify) {
            q.notify = r.notify->never
                           ? queue::Notify{false, false, false}
                           : queue::Notify{r.notify->success, r.notify->failure, r.notify->delay};
        }
        recipients.push_back(std::move(q));
    }
    queue_.enqueue(envelope, recipients, content, std::time(nullptr));
    spdlog::info("message {} queued for {} recipient(s)", message.id, recipients.size());
    queued_();
}

std::string StoreMailService::dkim_signature(std::string_view message, std::string_view domain) {
    if (!dkim_keys_) {
        return {};
    }
    return mailauth::dkim_keys::sign_for_domain(*dkim_keys_, message, domain, std::time(nullptr));
}

bool StoreMailService::may_submit_now(std::string_view account) {
    return submissions_.try_acquire(account);
}

}  // namespace sealbox::server

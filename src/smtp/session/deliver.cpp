// The end of a message (DATA or BDAT LAST): the submission From: check, the trace fields, the
// durable delivery, and only then the replies (RFC 5321 §4.1.1.4: 250 means responsibility).

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <random>

#include "net/blocking.h"
#include "smtp/session/from_field.h"
#include "smtp/session/session.h"
#include "smtp/session/trace.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

namespace {

// An identifier for the Received: field and the logs, to find one message in both.
std::string new_message_id() {
    static thread_local std::mt19937_64 generator{std::random_device{}()};
    return fmt::format("{:016X}", generator());
}

Reply failure_reply(DeliveryOutcome::Failure failure) {
    switch (failure) {
        case DeliveryOutcome::Failure::mailbox_full:
            return Reply{452, "4.2.2", {"Mailbox full"}};  // RFC 3463 §3.3
        case DeliveryOutcome::Failure::no_mailbox:
            return Reply{550, "5.1.1", {"Mailbox unavailable"}};
        case DeliveryOutcome::Failure::too_big:
            return Reply{552, "5.3.4", {"Message size exceeds fixed maximum message size"}};
        case DeliveryOutcome::Failure::none:
        case DeliveryOutcome::Failure::temporary:
            break;
    }
    return Reply{451, "4.3.0", {"Local delivery failed, try again later"}};
}

}  // namespace

// RFC 6409 §6.2 lets a submission server refuse what the user may not send: every author named in
// From: must be the user's own address or one of its aliases.
asio::awaitable<std::optional<Reply>> Session::check_from_header(const FromField& from) {
    switch (from.problem) {
        case FromField::Problem::missing:
            co_return Reply{550, "5.6.0", {"Message has no From: header field"}};
        case FromField::Problem::several:
            co_return Reply{550, "5.6.0", {"Message has more than one From: header field"}};
        case FromField::Problem::malformed:
            co_return Reply{550, "5.6.0", {"Malformed From: header field"}};
        case FromField::Problem::none:
            break;
    }
    for (const auto& address : from.addresses) {
        bool owned = co_await net::run_blocking(
            services_.workers, [&] { return services_.mail.may_send_as(*account_, address); });
        if (!owned) {
            spdlog::info("{}: {} ({}) may not send as {} (From:)", config_->name, *account_,
                         client(), address.str());
            co_return Reply{550, "5.7.1", {"From: address not owned by the authenticated user"}};
        }
    }
    co_return std::nullopt;
}

// What the user submits leaves signed by the author's domain (RFC 6376 §1.1: the signer takes
// responsibility for the message). The first author's domain signs: RFC 5322 §3.6.2 makes the
// first mailbox of From the one Sender would otherwise name.
asio::awaitable<std::optional<Reply>> Session::accept_submission(std::string& message) {
    FromField from = read_from_field(message);
    if (auto refusal = co_await check_from_header(from)) {
        co_return refusal;
    }
    const std::string& domain = from.addresses.front().domain;
    std::string signature = co_await net::run_blocking(
        services_.workers, [&] { return services_.mail.dkim_signature(message, domain); });
    message.insert(0, signature);
    co_return std::nullopt;
}

std::string Session::received(const std::string& id) const {
    const Transaction& t = *transaction_;
    ReceivedInfo info;
    info.helo = helo_name_;
    info.client_ip = connection_.remote_ip();
    info.hostname = config_->hostname;
    info.protocol = with_protocol(lmtp(), extended(), connection_.is_tls(), account_.has_value());
    info.tls_version = connection_.tls_version();
    info.tls_cipher = connection_.tls_cipher();
    info.id = id;
    // RFC 5321 §7.2: naming one of several recipients would disclose it to the others.
    if (t.recipients.size() == 1) {
        info.recipient = t.recipients.front().mailbox.str();
    }
    info.time = std::time(nullptr);
    return received_field(info);
}

OutboundMessage Session::outbound_message(const std::string& id) const {
    const Transaction& t = *transaction_;
    OutboundMessage out;
    out.id = id;
    if (t.sender) {
        out.sender = t.sender->str();
    }
    out.account = account_.value_or("");
    out.params = t.params;
    for (const auto& recipient : t.recipients) {
        for (const auto& address : recipient.forward_to) {
            OutboundRecipient r{address, recipient.params.notify, recipient.params.orcpt};
            // RFC 3461 §4.2: a forwarded copy names the address it was sent to.
            if (!r.orcpt && address != recipient.mailbox.str()) {
                r.orcpt = Orcpt{"rfc822", recipient.mailbox.str()};
            }
            out.recipients.push_back(std::move(r));
        }
    }
    return out;
}

asio::awaitable<void> Session::finish_message(std::string message) {
    if (account_) {
        std::optional<Reply> refusal;
        try {
            refusal = co_await accept_submission(message);
        } catch (const std::exception& e) {
            spdlog::error("{}: submission from {}: {}", config_->name, client(), e.what());
            refusal = Reply{451, "4.3.0", {"Local error, try again later"}};
        }
        if (refusal) {
            reply_per_recipient(*refusal);
            transaction_.reset();
            co_return;
        }
    }
    const std::string id = new_message_id();
    message.insert(0, received(id));
    OutboundMessage outbound = outbound_message(id);

    std::string folder = "INBOX";
    std::string forwarded_prefix;
    if (checks_inbound()) {
        auto verdict = co_await authenticate_inbound(std::move(message));
        if (verdict.action == InboundVerdict::Action::reject) {
            spdlog::info("{}: message {} from {} refused: {}", config_->name, id, client(),
                         verdict.reason);
            reply_per_recipient(Reply{550, "5.7.1", {verdict.reason}});
            transaction_.reset();
            co_return;
        }
        if (verdict.action == InboundVerdict::Action::junk) {
            folder = "Junk";
        }
        message = std::move(verdict.message);
        forwarded_prefix = std::move(verdict.forwarded_prefix);
    }

    co_await deliver_message(id, std::move(message), folder, outbound, forwarded_prefix);
    transaction_.reset();
}

// The copies for the outbound queue first, then the local ones; replies once all are durable.
asio::awaitable<void> Session::deliver_message(const std::string& id, std::string message,
                                               const std::string& folder,
                                               const OutboundMessage& outbound,
                                               const std::string& forwarded_prefix) {
    std::vector<std::string> accounts;
    for (const auto& recipient : transaction_->recipients) {
        for (const auto& account : recipient.accounts) {
            if (std::find(accounts.begin(), accounts.end(), account) == accounts.end()) {
                accounts.push_back(account);
            }
        }
    }
    Outcomes outcomes;
    bool queued = false;
    try {
        if (!outbound.recipients.empty()) {
            std::string forwarded = forwarded_prefix + message;
            co_await net::run_blocking(services_.workers,
                                       [&] { services_.mail.enqueue(outbound, forwarded); });
            queued = true;
        }
        if (!accounts.empty()) {
            // RFC 5321 §4.4: Return-Path is added at final delivery, so only to the local copy.
            message.insert(0, return_path_field(transaction_->sender));
            auto results = co_await net::run_blocking(services_.workers, [&] {
                return services_.mail.deliver(message, accounts, folder);
            });
            for (auto& result : results) {
                outcomes[result.account] = std::move(result);
            }
        }
    } catch (const std::exception& e) {
        // What did not happen gets a temporary failure, and the client retries.
        spdlog::error("{}: message {} from {}: delivery failed: {}", config_->name, id, client(),
                      e.what());
    }
    reply_to_delivery(id, outcomes, queued, message.size());
}

// A recipient (an alias may reach several accounts and outside addresses) succeeds when any of
// its copies landed or was queued: refusing it would make the client send those copies again.
// The local copies that did not land are logged.
void Session::reply_to_delivery(const std::string& id, const Outcomes& outcomes, bool queued,
                                std::size_t size) {
    std::size_t delivered = 0;
    std::optional<Reply> first_failure;
    std::vector<Reply> replies;
    for (const auto& recipient : transaction_->recipients) {
        Reply failure = failure_reply(DeliveryOutcome::Failure::temporary);
        bool any = queued && !recipient.forward_to.empty();
        for (const auto& account : recipient.accounts) {
            auto it = outcomes.find(account);
            if (it != outcomes.end() && it->second.delivered()) {
                any = true;
            } else {
                spdlog::warn("{}: message {} not delivered to {}", config_->name, id, account);
                if (it != outcomes.end()) {
                    failure = failure_reply(it->second.failure);
                }
            }
        }
        if (any) {
            ++delivered;
            bool via_queue = queued && !recipient.forward_to.empty();
            replies.push_back(
                Reply{250, "2.0.0", {(via_queue ? "Queued as " : "Delivered as ") + id}});
            continue;
        }
        // In SMTP one reply speaks for all: a temporary one, if any, so the client retries.
        if (!first_failure || (failure.code < 500 && first_failure->code >= 500)) {
            first_failure = failure;
        }
        replies.push_back(std::move(failure));
    }
    spdlog::info("{}: message {} from {}: {} octets, {} of {} recipient(s) accepted", config_->name,
                 id, client(), size, delivered, transaction_->recipients.size());
    if (lmtp()) {
        for (auto& r : replies) {
            reply(std::move(r));  // RFC 2033 §4.2: one per accepted RCPT, in order
        }
    } else if (delivered > 0) {
        reply(250, "2.0.0", (queued ? "Queued as " : "Delivered as ") + id);
    } else {
        reply(std::move(*first_failure));
    }
}

}  // namespace sealbox::smtp

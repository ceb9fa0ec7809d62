// RCPT (RFC 5321 §4.1.1.3): local recipients only, never an open relay.

#include <spdlog/spdlog.h>

#include "net/blocking.h"
#include "smtp/session/address.h"
#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

asio::awaitable<void> Session::on_rcpt(const Rcpt& rcpt) {
    if (!transaction_) {
        reply(503, "5.5.1", "Need MAIL before RCPT");
        bad_command();
        co_return;
    }
    if (transaction_->chunking) {
        reply(503, "5.5.1", "RCPT not allowed after BDAT");  // RFC 3030 §2
        bad_command();
        co_return;
    }
    transaction_->rcpt_attempted = true;
    if (transaction_->recipients.size() >= config_->max_recipients) {
        reply(452, "4.5.3", "Too many recipients");  // RFC 5321 §4.5.3.1.10
        co_return;
    }
    if (rcpt.to.has_utf8 && !transaction_->params.smtputf8) {
        reply(553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter");  // RFC 6531 §3.5
        co_return;
    }
    // RFC 5321 §4.1.1.3: <Postmaster> without a domain is the postmaster of this host.
    bool postmaster = rcpt.to.domain_kind == DomainKind::none;
    RecipientCheck check;
    if (rcpt.to.domain_kind == DomainKind::name || postmaster) {
        MailAddress address =
            postmaster ? MailAddress{"postmaster", config_->hostname} : lookup_address(rcpt.to);
        std::uint64_t size = transaction_->params.size.value_or(0);
        check = co_await net::run_blocking(
            services_.workers, [&] { return services_.mail.check_recipient(address, size); });
    } else {
        check.status = RecipientStatus::remote;  // an address literal: never one of ours
    }
    if (postmaster && check.status == RecipientStatus::remote) {
        check.status = RecipientStatus::unknown;
    }
    switch (check.status) {
        case RecipientStatus::local:
        case RecipientStatus::forwarded:
            // Forwarded copies go through the outbound queue; the local ones are delivered here.
            transaction_->recipients.push_back(
                {rcpt.to, rcpt.params, std::move(check.accounts), std::move(check.forward_to)});
            reply(250, "2.1.5", "Recipient OK");
            co_return;
        case RecipientStatus::unknown:
            reply(550, "5.1.1", "No such user here");
            co_return;
        case RecipientStatus::over_quota:
            reply(452, "4.2.2", "Mailbox full");
            co_return;
        case RecipientStatus::remote:
            break;
    }
    if (!account_) {
        spdlog::info("{}: relay attempt from {} refused", config_->name, client());
        reply(554, "5.7.1", "Relay access denied");
        co_return;
    }
    // An authenticated user's mail to other domains: queued as the client wrote the address.
    transaction_->recipients.push_back({rcpt.to, rcpt.params, {}, {rcpt.to.str()}});
    reply(250, "2.1.5", "Recipient OK");
}

}  // namespace sealbox::smtp

// Mail authentication of what the MX receives: only mail that arrives unauthenticated on the
// `smtp` listener. Submitted mail is the user's own, and LMTP's comes from an MTA that checked it.

#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

bool Session::checks_inbound() const {
    return services_.inbound != nullptr && config_->mode == Mode::smtp && !account_;
}

asio::awaitable<InboundVerdict> Session::authenticate_inbound(std::string message) {
    InboundEnvelope envelope;
    envelope.client_ip = connection_.remote_ip();
    envelope.helo = helo_name_;
    if (transaction_->sender) {
        envelope.mail_from = transaction_->sender->str();
    }
    for (const auto& recipient : transaction_->recipients) {
        if (!recipient.forward_to.empty()) {
            envelope.forwarding_domain = recipient.mailbox.domain;
            break;
        }
    }
    // Awaited into a variable: gcc 12 miscompiles `co_return co_await`.
    InboundVerdict verdict =
        co_await services_.inbound->check(std::move(envelope), std::move(message));
    co_return verdict;
}

}  // namespace sealbox::smtp

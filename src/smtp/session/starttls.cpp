// STARTTLS (RFC 3207).

#include <spdlog/spdlog.h>

#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

asio::awaitable<void> Session::on_starttls() {
    if (connection_.is_tls()) {
        reply(503, "5.5.1", "TLS already active");
        bad_command();
        co_return;
    }
    if (!services_.tls) {
        reply(502, "5.5.1", "STARTTLS not available");
        co_return;
    }
    if (!extended()) {
        reply(503, "5.5.1", "Send EHLO first");
        bad_command();
        co_return;
    }
    if (transaction_) {
        reply(503, "5.5.1", "STARTTLS not allowed during a mail transaction");
        bad_command();
        co_return;
    }
    reply(220, "2.0.0", "Ready to start TLS");
    co_await flush();
    // Whatever the client pipelined after STARTTLS came in the clear and is dropped by the
    // handshake (RFC 3207 §4.2, CVE-2011-0411).
    auto context = services_.tls->current();
    bool secured = co_await connection_.handshake(std::move(context));
    if (!secured) {
        spdlog::debug("{}: STARTTLS handshake with {} failed", config_->name, client());
        closing_ = true;
        co_return;
    }
    // RFC 3207 §4.2: everything learnt before TLS is forgotten; the client starts with EHLO.
    hello_.reset();
    helo_name_.clear();
    account_.reset();
    transaction_.reset();
}

}  // namespace sealbox::smtp

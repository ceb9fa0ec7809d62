// STLS (RFC 2595 §4).

#include <spdlog/spdlog.h>

#include "pop3/session/session.h"

namespace sealbox::pop3 {
namespace asio = boost::asio;

asio::awaitable<void> Session::on_stls() {
    if (connection_.is_tls()) {
        bad_command("TLS already active");
        co_return;
    }
    if (!services_.tls) {
        respond(err("STLS not available"));
        co_return;
    }
    respond(ok("Begin TLS negotiation"));
    co_await flush();
    // Whatever the client pipelined after STLS came in the clear and is dropped by the
    // handshake (RFC 2595 §4's rule for a command sent before the negotiation, CVE-2011-0411).
    auto context = services_.tls->current();
    bool secured = co_await connection_.handshake(std::move(context));
    if (!secured) {
        spdlog::debug("{}: STLS handshake with {} failed", config_->name, client());
        closing_ = true;
        co_return;
    }
    // A USER name given in the clear is forgotten: it may have been injected.
    user_.reset();
}

}  // namespace sealbox::pop3

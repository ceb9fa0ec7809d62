// QUIT (RFC 1939 §5, §6): from AUTHORIZATION it just ends the session; from TRANSACTION it
// enters UPDATE, removes the messages marked by DELE, and releases the maildrop.

#include <spdlog/spdlog.h>

#include "net/blocking.h"
#include "pop3/session/session.h"

namespace sealbox::pop3 {
namespace asio = boost::asio;

asio::awaitable<void> Session::on_quit() {
    closing_ = true;
    if (!logged_in()) {
        respond(ok(config_->hostname + " Sealbox POP3 server signing off"));
        co_return;
    }
    std::vector<std::size_t> marked;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (deleted_[i]) {
            marked.push_back(i);
        }
    }
    if (!marked.empty()) {
        Maildrop* maildrop = maildrop_.get();
        try {
            auto remove = [maildrop, marked] { maildrop->remove(marked); };
            co_await net::run_blocking(services_.workers, std::move(remove));
        } catch (const std::exception& e) {
            spdlog::error("{}: removing {} message(s) of {}: {}", config_->name, marked.size(),
                          account_, e.what());
            // RFC 1939 §6: "-ERR some deleted messages not removed"; here, none were.
            respond(err("Some deleted messages not removed", ResponseCode::sys_temp));
            co_return;
        }
        spdlog::info("{}: {} removed {} message(s)", config_->name, account_, marked.size());
    }
    respond(ok(config_->hostname + " Sealbox POP3 server signing off (" +
               std::to_string(messages_left()) + " messages left)"));
}

}  // namespace sealbox::pop3

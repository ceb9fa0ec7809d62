// IDLE (RFC 2177, RFC 9051 §6.3.13): updates are sent as the store reports them until the
// client says DONE. The main coroutine reads that line; a second one on the same strand waits
// on the change signal's timer, which the account's watch() callback cancels.

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "imap/proto/chars.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace asio = boost::asio;

boost::asio::awaitable<void> Session::idle_notifier() {
    try {
        while (!idle_stop_) {
            if (signal_->changed) {
                co_await report_changes(true);
                co_await flush();
                continue;
            }
            signal_->timer.expires_after(std::chrono::hours(24));
            boost::system::error_code ec;
            co_await signal_->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    } catch (const boost::system::system_error&) {
        connection_.close();  // the client is gone; the reader sees it too
    } catch (const std::exception& e) {
        spdlog::warn("{}: session of {}: no updates during IDLE: {}", config_->name, client(),
                     e.what());
    }
}

boost::asio::awaitable<void> Session::on_idle() {
    send(continuation("idling"));
    if (selected_) {
        co_await report_changes(true);  // whatever is pending goes out at once
    }
    co_await flush();

    idle_stop_ = false;
    bool notifier_done = false;
    asio::steady_timer finished(connection_.executor(), asio::steady_timer::time_point::max());
    asio::co_spawn(connection_.executor(), idle_notifier(),
                   [&notifier_done, &finished](std::exception_ptr) {
                       notifier_done = true;
                       finished.cancel();
                   });
    auto line = co_await connection_.read_line(config_->max_line_length);
    idle_stop_ = true;
    signal_->timer.cancel();
    while (!notifier_done) {
        boost::system::error_code ec;
        co_await finished.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!line) {
        closing_ = true;
        co_return;
    }
    if (line->too_long || !chars::iequals(line->text, "DONE")) {
        bad("Expected DONE");  // RFC 2177 §3
        co_return;
    }
    done(Condition::ok, "IDLE terminated");
}

}  // namespace sealbox::imap

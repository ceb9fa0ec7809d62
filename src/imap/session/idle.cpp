// IDLE (RFC 2177, RFC 9051 §6.3.13): updates are sent as the store reports them until the
// client says DONE. NOTIFY (RFC 5465 §3, §4) does the same while the session waits for a command.
// The main coroutine reads the client's line; a second one on the same strand waits on the
// change signal's timer, which the account's watch() callback cancels, and writes the updates.
// Only one of the two writes at a time: the main coroutine waits for the pusher to finish
// before it acts on the line.

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "imap/proto/chars.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace asio = boost::asio;

// Whether the store reported something this pusher tells. Without IDLE the selected mailbox's
// changes are pushed only when NOTIFY's SELECTED group asks for them; otherwise they wait for
// the next command (RFC 9051 §7: unsolicited, but after a command).
bool Session::updates_waiting(bool idle) const {
    bool selected = selected_ && (idle || pushes_selected()) && signal_->changed;
    bool others = notify_ && notify_->settings.watches_mailboxes() && signal_->mailboxes_changed;
    return selected || others;
}

asio::awaitable<void> Session::push_updates(bool idle) {
    if (selected_ && (idle || pushes_selected())) {
        const NotifyGroup* group = notify_ ? notify_->settings.selected() : nullptr;
        // An IDLE allows EXPUNGE like any command (RFC 9051 §7.5.1); between commands only
        // SELECTED does, SELECTED-DELAYED keeps them for the next command (RFC 5465 §6.1).
        bool expunges = idle || (group && group->filter == NotifyGroup::Filter::selected);
        bool flags = !group || group->has(NotifyEvent::flag_change);  // RFC 5465 §5.1
        co_await report_changes(expunges, flags);
    }
    co_await report_notifications();
}

asio::awaitable<void> Session::pusher(bool idle) {
    try {
        while (!push_stop_) {
            if (updates_waiting(idle)) {
                co_await push_updates(idle);
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
        spdlog::warn("{}: session of {}: no updates pushed: {}", config_->name, client(), e.what());
    }
}

asio::awaitable<std::optional<net::Line>> Session::read_line_pushing(bool idle) {
    if (connection_.buffered().find('\n') != std::string_view::npos) {
        // A pipelined command is here already: no time to push anything.
        co_return co_await connection_.read_line(config_->max_line_length);
    }
    push_stop_ = false;
    bool pusher_done = false;
    asio::steady_timer finished(connection_.executor(), asio::steady_timer::time_point::max());
    asio::co_spawn(connection_.executor(), pusher(idle),
                   [&pusher_done, &finished](std::exception_ptr) {
                       pusher_done = true;
                       finished.cancel();
                   });
    std::optional<net::Line> line;
    std::exception_ptr failure;
    try {
        line = co_await connection_.read_line(config_->max_line_length);
    } catch (...) {
        failure = std::current_exception();
    }
    push_stop_ = true;
    signal_->timer.cancel();
    while (!pusher_done) {  // the pusher refers to this frame: it must end first
        boost::system::error_code ec;
        co_await finished.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    co_return line;
}

asio::awaitable<void> Session::on_idle() {
    send(continuation("idling"));
    if (selected_) {
        co_await report_changes(true);  // whatever is pending goes out at once
    }
    co_await report_notifications();
    co_await flush();

    auto line = co_await read_line_pushing(true);
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

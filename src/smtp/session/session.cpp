#include "smtp/session/session.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/log.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

namespace {

// Room kept below the store's size limit for the fields added at delivery: Return-Path:,
// Received:, DKIM-Signature: (two), Authentication-Results: and an ARC set. Each is bounded by
// the names, addresses and signatures in it (at most ten DKIM results), well under this.
constexpr std::uint64_t kTraceRoom = 8192;

constexpr std::size_t kMaxHeldReplies = 16 * 1024;

}  // namespace

std::optional<Mode> mode_for_listener(std::string_view name) {
    if (name == "smtp") {
        return Mode::smtp;
    }
    if (name == "submission") {
        return Mode::submission;
    }
    if (name == "submissions") {
        return Mode::submissions;
    }
    if (name == "lmtp") {
        return Mode::lmtp;
    }
    return std::nullopt;
}

std::string busy_reply() {
    // RFC 3463 §3.4: X.3.2 "system not accepting network messages".
    return serialize(Reply{421, "4.3.2", {"Too many connections, try again later"}});
}

asio::awaitable<void> run_session(net::Connection& connection,
                                  std::shared_ptr<const SessionConfig> config,
                                  SessionServices services) {
    Session session(connection, std::move(config), services);
    co_await session.run();
}

net::SessionHandler session_handler(SessionConfig config, SessionServices services) {
    auto shared = std::make_shared<const SessionConfig>(std::move(config));
    return [shared, services](net::Connection& connection) {
        return run_session(connection, shared, services);
    };
}

Session::Session(net::Connection& connection, std::shared_ptr<const SessionConfig> config,
                 SessionServices services)
    : connection_(connection), config_(std::move(config)), services_(services) {}

std::string Session::client() const {
    return loggable_ip(connection_.remote_ip());
}

std::uint64_t Session::message_limit() const {
    return config_->max_message_size - std::min(config_->max_message_size / 2, kTraceRoom);
}

void Session::reply(Reply r) {
    output_ += serialize(r);
}

void Session::reply(int code, std::string enhanced, std::string text) {
    reply(Reply{code, std::move(enhanced), {std::move(text)}});
}

void Session::reply_per_recipient(const Reply& r) {
    std::size_t count = lmtp() && transaction_ ? transaction_->recipients.size() : 1;
    for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) {
        reply(r);
    }
}

// Unknown, malformed and out-of-sequence commands: a client that keeps sending them is broken or
// probing, and is cut off after listeners.NAME.max_bad_commands.
void Session::bad_command() {
    if (++bad_commands_ >= config_->max_bad_commands) {
        spdlog::info("{}: closing the connection of {}: too many bad commands", config_->name,
                     client());
        reply(421, "4.7.0", config_->hostname + " Too many bad commands, closing connection");
        closing_ = true;
    }
}

asio::awaitable<void> Session::flush() {
    if (!output_.empty()) {
        std::string data = std::move(output_);
        output_.clear();
        co_await connection_.write(data);
    }
}

// RFC 2920 §3.2: replies to pipelined commands are held while more commands are already waiting,
// and sent once the server would otherwise wait for the client, or once they pile up: a client
// that pipelines without reading must not make the server hold its replies in memory.
asio::awaitable<std::optional<net::Line>> Session::next_line() {
    if (connection_.buffered().find('\n') == std::string_view::npos ||
        output_.size() >= kMaxHeldReplies) {
        co_await flush();
    }
    co_return co_await connection_.read_line(config_->max_line_length);
}

asio::awaitable<bool> Session::read_more() {
    co_await flush();
    co_return co_await connection_.fill();
}

asio::awaitable<void> Session::run() {
    // RFC 5321 §4.3.1 greeting; RFC 2033 §4.1 for LMTP.
    reply(220, "", config_->hostname + (lmtp() ? " LMTP" : " ESMTP") + " Sealbox ready");
    const CommandLimits limits{512, config_->max_line_length + 2};
    while (!closing_) {
        auto line = co_await next_line();
        if (!line) {
            break;
        }
        if (line->too_long) {
            reply(500, "5.5.2", "Line too long");  // RFC 5321 §4.5.3.1.4
            bad_command();
            continue;
        }
        // RFC 5321 §2.3.8: lines end with CRLF. Under "normalize" a bare LF is tolerated in
        // commands as in data; under "reject" it is refused here too.
        if (line->bare_lf && config_->bare_line_endings == BareLineEndings::reject) {
            reply(500, "5.5.2", "Command line ended by a bare LF; use CRLF");
            bad_command();
            continue;
        }
        auto parsed = parse_command(line->text, limits);
        if (auto* error = std::get_if<ParseError>(&parsed)) {
            reply(to_reply(*error));
            if (error->close_connection) {
                // A BDAT whose size cannot be read: its chunk cannot be told from commands.
                closing_ = true;
            } else {
                bad_command();
            }
            continue;
        }
        try {
            co_await dispatch(std::get<Command>(parsed));
        } catch (const boost::system::system_error&) {
            throw;  // the client is gone; nothing to answer
        } catch (const std::exception& e) {
            // A failure of ours, not the client's (the ends of messages handle theirs): a
            // temporary reply to this command, and the session goes on.
            spdlog::error("{}: session with {}: {}", config_->name, client(), e.what());
            reply(451, "4.3.0", "Local error, try again later");
        }
    }
    co_await flush();
}

asio::awaitable<void> Session::dispatch(Command& command) {
    if (auto* c = std::get_if<Hello>(&command)) {
        co_await on_hello(*c);
    } else if (auto* c = std::get_if<Mail>(&command)) {
        co_await on_mail(*c);
    } else if (auto* c = std::get_if<Rcpt>(&command)) {
        co_await on_rcpt(*c);
    } else if (std::holds_alternative<Data>(command)) {
        co_await on_data();
    } else if (auto* c = std::get_if<Bdat>(&command)) {
        co_await on_bdat(*c);
    } else if (auto* c = std::get_if<Auth>(&command)) {
        co_await on_auth(*c);
    } else if (std::holds_alternative<StartTls>(command)) {
        co_await on_starttls();
    } else if (std::holds_alternative<Rset>(command)) {
        on_rset();
    } else if (std::holds_alternative<Noop>(command)) {
        reply(250, "2.0.0", "OK");
    } else if (std::holds_alternative<Quit>(command)) {
        reply(221, "2.0.0", config_->hostname + " closing connection");
        closing_ = true;
    } else if (std::holds_alternative<Vrfy>(command)) {
        // RFC 5321 §3.5.3: 252 when the server will not say whether a user exists.
        reply(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    } else if (std::holds_alternative<Expn>(command)) {
        // RFC 5321 §7.3: mailing lists are not disclosed.
        reply(502, "5.5.1", "EXPN not available");
    } else if (std::holds_alternative<Help>(command)) {
        on_help();
    }
}

}  // namespace sealbox::smtp

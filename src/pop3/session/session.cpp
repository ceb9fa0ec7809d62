#include "pop3/session/session.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "core/log.h"
#include "net/blocking.h"

namespace sealbox::pop3 {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kMaxHeldResponses = 16 * 1024;

void wipe(std::string& s) {
    OPENSSL_cleanse(s.data(), s.size());
}

// PASS and AUTH carry passwords: the command's copy is wiped once the command is done.
void wipe_secrets(Command& command) {
    if (auto* pass = std::get_if<Pass>(&command)) {
        wipe(pass->password);
    } else if (auto* auth = std::get_if<Auth>(&command); auth && auth->initial_response) {
        wipe(*auth->initial_response);
    }
}

template <typename... T>
bool holds_any(const Command& command) {
    return (std::holds_alternative<T>(command) || ...);
}

}  // namespace

bool is_pop3_listener(std::string_view name) {
    return name == "pop3" || name == "pop3s";
}

std::string busy_response() {
    return err("Too many connections, try again later", ResponseCode::sys_temp);  // RFC 3206 §4
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

// Unknown, malformed and out-of-state commands: a client that keeps sending them is broken or
// probing, and is cut off after listeners.NAME.max_bad_commands. Queues the command's one -ERR,
// which says so when it is the last.
void Session::bad_command(std::string_view text) {
    if (++bad_commands_ < config_->max_bad_commands) {
        respond(err(text));
        return;
    }
    spdlog::info("{}: closing the connection of {}: too many bad commands", config_->name,
                 client());
    respond(err(std::string(text) + "; too many bad commands, closing connection"));
    closing_ = true;
}

asio::awaitable<void> Session::flush() {
    if (!output_.empty()) {
        std::string data = std::move(output_);
        output_.clear();
        co_await connection_.write(data);
    }
}

// RFC 2449 §6.6 PIPELINING: responses are held while more commands are already waiting, and
// sent once the server would otherwise wait for the client, or once they pile up.
asio::awaitable<std::optional<net::Line>> Session::next_line() {
    if (connection_.buffered().find('\n') == std::string_view::npos ||
        output_.size() >= kMaxHeldResponses) {
        co_await flush();
    }
    auto line = co_await connection_.read_line(config_->max_line_length);
    co_return line;
}

asio::awaitable<void> Session::run() {
    std::exception_ptr failure;
    try {
        co_await command_loop();
    } catch (...) {
        failure = std::current_exception();
    }
    // Whatever ended the session, the maildrop's lock goes now, off the I/O thread; a session
    // that did not QUIT deletes nothing (RFC 1939 §6).
    co_await release_maildrop();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

asio::awaitable<void> Session::release_maildrop() {
    co_await read_ahead_.settle();
    if (maildrop_) {
        // A raw pointer in the lambda: gcc 12 may destroy a lambda temporary of a co_await
        // expression twice, which for an owning capture is a double free (see net/blocking.h).
        auto release = [maildrop = maildrop_.release()] { delete maildrop; };
        co_await net::run_blocking(services_.workers, release);
    }
}

asio::awaitable<void> Session::command_loop() {
    respond(ok(config_->hostname + " Sealbox POP3 server ready"));  // RFC 1939 §4
    while (!closing_) {
        auto line = co_await next_line();
        if (!line) {
            break;  // gone or timed out: no UPDATE state (RFC 1939 §3)
        }
        if (line->too_long) {
            bad_command("Line too long");  // RFC 2449 §4
            continue;
        }
        auto parsed = parse_command(line->text);
        wipe(line->text);
        if (auto* error = std::get_if<ParseError>(&parsed)) {
            bad_command(error->text);
            continue;
        }
        Command& command = std::get<Command>(parsed);
        if (!allowed_in_state(command)) {
            bad_command(logged_in() ? "Command not valid in the TRANSACTION state"
                                    : "Command not valid before login");
            wipe_secrets(command);
            continue;
        }
        try {
            co_await dispatch(command);
        } catch (const boost::system::system_error&) {
            throw;  // the client is gone; nothing to answer
        } catch (const std::exception& e) {
            spdlog::error("{}: session with {}: {}", config_->name, client(), e.what());
            respond(err("Local error, try again later", ResponseCode::sys_temp));
        }
        wipe_secrets(command);
    }
    co_await flush();
}

// RFC 1939 §3: USER, PASS (and AUTH, STLS) belong to AUTHORIZATION; the maildrop commands to
// TRANSACTION. CAPA, NOOP and QUIT are taken in both (RFC 2449 §5; NOOP is a courtesy).
bool Session::allowed_in_state(const Command& command) const {
    if (holds_any<Capa, Quit, Noop>(command)) {
        return true;
    }
    const bool authorization = holds_any<User, Pass, Auth, AuthList, Stls, Utf8>(command);
    return authorization != logged_in();
}

asio::awaitable<void> Session::dispatch(Command& command) {
    if (auto* c = std::get_if<User>(&command)) {
        on_user(*c);
    } else if (auto* c = std::get_if<Pass>(&command)) {
        co_await on_pass(*c);
    } else if (auto* c = std::get_if<Auth>(&command)) {
        co_await on_auth(*c);
    } else if (std::holds_alternative<AuthList>(command)) {
        on_auth_list();
    } else if (std::holds_alternative<Capa>(command)) {
        on_capa();
    } else if (std::holds_alternative<Stls>(command)) {
        co_await on_stls();
    } else if (std::holds_alternative<Stat>(command)) {
        on_stat();
    } else if (auto* c = std::get_if<List>(&command)) {
        on_list(*c);
    } else if (auto* c = std::get_if<Uidl>(&command)) {
        on_uidl(*c);
    } else if (auto* c = std::get_if<Retr>(&command)) {
        co_await on_retr(*c);
    } else if (auto* c = std::get_if<Top>(&command)) {
        co_await on_top(*c);
    } else if (auto* c = std::get_if<Dele>(&command)) {
        on_dele(*c);
    } else if (std::holds_alternative<Rset>(command)) {
        on_rset();
    } else if (std::holds_alternative<Noop>(command)) {
        respond(ok());  // RFC 1939 §5
    } else if (std::holds_alternative<Quit>(command)) {
        co_await on_quit();
    } else if (std::holds_alternative<Utf8>(command)) {
        // RFC 6856 is not offered (CAPA does not list UTF8); user names may be UTF-8 anyway.
        respond(err("UTF8 not supported"));
    }
}

}  // namespace sealbox::pop3

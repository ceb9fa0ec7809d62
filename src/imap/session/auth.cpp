// STARTTLS (RFC 9051 §6.2.1), LOGIN (§6.2.3) and AUTHENTICATE PLAIN (§6.2.2, RFC 4616, SASL-IR
// RFC 4959), over TLS only, slowed and banned by the shared net::AuthThrottle.

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/base64.h"
#include "imap/proto/chars.h"
#include "imap/session/session.h"
#include "net/credentials.h"

namespace sealbox::imap {
namespace asio = boost::asio;

namespace {

void wipe(std::string& s) {
    sodium_memzero(s.data(), s.size());
    s.clear();
}

using net::loggable_user;

}  // namespace

asio::awaitable<void> Session::on_starttls() {
    if (connection_.is_tls() || !services_.tls) {
        bad(connection_.is_tls() ? "TLS already active" : "STARTTLS not available");
        co_return;
    }
    if (state_ != State::not_authenticated) {
        bad("STARTTLS only before login");
        co_return;
    }
    send(status_response(tag_, Condition::ok, "Begin TLS negotiation now"));
    co_await flush();
    // Whatever the client pipelined after STARTTLS came in the clear and is dropped by the
    // handshake (RFC 9051 §6.2.1, CVE-2011-0411).
    bool secured = co_await connection_.handshake(services_.tls->current());
    if (!secured) {
        spdlog::debug("{}: STARTTLS handshake with {} failed", config_->name, client());
        closing_ = true;
    }
}

// Queues the refusal and returns true when no login may be attempted now.
bool Session::login_refused() {
    if (state_ != State::not_authenticated) {
        bad("Already logged in");
        return true;
    }
    if (!connection_.is_tls()) {
        // RFC 9051 §6.2.3: LOGINDISABLED is advertised; RFC 5530 PRIVACYREQUIRED.
        done(Condition::no, ResponseCode::simple("PRIVACYREQUIRED"), "Use STARTTLS first");
        return true;
    }
    return false;
}

asio::awaitable<void> Session::on_login(Login& login) {
    if (login_refused()) {
        wipe(login.password);
        co_return;
    }
    co_await check_password(std::move(login.user), std::move(login.password));
}

asio::awaitable<void> Session::on_authenticate(const Authenticate& authenticate) {
    if (login_refused()) {
        co_return;
    }
    if (authenticate.mechanism != "PLAIN") {
        done(Condition::no, "Unsupported authentication mechanism");
        co_return;
    }
    std::optional<std::string> response;
    if (authenticate.initial_response) {  // RFC 4959 §3
        response = base64_decode(*authenticate.initial_response);
    } else {
        send("+ \r\n");  // RFC 9051 §7.5: an empty challenge
        co_await flush();
        auto line = co_await connection_.read_line(config_->max_line_length);
        if (!line) {
            closing_ = true;
            co_return;
        }
        if (line->text == "*") {
            bad("Authentication canceled");  // RFC 9051 §6.2.2
            co_return;
        }
        response = line->too_long ? std::nullopt : base64_decode(line->text);
        wipe(line->text);
    }
    // RFC 4616 §2: [authzid] NUL authcid NUL passwd
    std::size_t first = response ? response->find('\0') : std::string::npos;
    std::size_t second = first == std::string::npos ? first : response->find('\0', first + 1);
    if (second == std::string::npos || response->find('\0', second + 1) != std::string::npos) {
        if (response) {
            wipe(*response);
        }
        bad("Cannot decode the PLAIN response");
        co_return;
    }
    std::string authzid = response->substr(0, first);
    std::string user = response->substr(first + 1, second - first - 1);
    std::string password = response->substr(second + 1);
    wipe(*response);
    // Acting for another user (proxy authorization) is not offered.
    if (!authzid.empty() && authzid != user) {
        wipe(password);
        done(Condition::no, ResponseCode::simple("AUTHORIZATIONFAILED"),
             "Cannot act for another user");
        co_return;
    }
    co_await check_password(std::move(user), std::move(password));
}

asio::awaitable<void> Session::check_password(std::string user, std::string password) {
    const std::string& ip = connection_.remote_ip();
    const std::string key = loggable_user(user);
    auto verdict = services_.throttle.before_attempt(ip, key);
    if (verdict.banned) {
        wipe(password);
        done(Condition::no, ResponseCode::simple("UNAVAILABLE"),
             "Too many failed logins, try again later");
        closing_ = true;
        co_return;
    }
    if (user.empty() || password.empty()) {
        done(Condition::no, ResponseCode::simple("AUTHENTICATIONFAILED"), "Invalid credentials");
        co_return;
    }
    if (verdict.delay.count() > 0) {
        // A timer, not a sleeping thread: the delay costs this session time, not the server.
        co_await flush();
        asio::steady_timer timer(co_await asio::this_coro::executor, verdict.delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
    // The account and its watch, made on a worker: both may touch the store.
    struct Opened {
        std::unique_ptr<Account> account;
        std::unique_ptr<Watch> watch;
    };
    std::weak_ptr<ChangeSignal> weak = signal_;
    auto executor = connection_.executor();
    auto open = [&mail = services_.mail, user, password = std::move(password), weak,
                 executor]() mutable {
        Opened opened;
        opened.account = mail.login(user, password);
        sodium_memzero(password.data(), password.size());
        if (opened.account) {
            // Runs on any thread: flag the change, and wake an IDLE on the session's strand.
            opened.watch = opened.account->watch([weak, executor] {
                if (auto signal = weak.lock()) {
                    signal->changed = true;
                    signal->mailboxes_changed = true;
                    asio::post(executor, [weak] {
                        if (auto s = weak.lock()) {
                            s->timer.cancel();
                        }
                    });
                }
            });
        }
        return opened;
    };
    Opened opened;
    try {
        opened = co_await net::run_blocking(services_.workers, std::move(open));
    } catch (const std::exception& e) {
        spdlog::error("{}: login of {} from {}: {}", config_->name, key, client(), e.what());
        done(Condition::no, ResponseCode::simple("UNAVAILABLE"),
             "Temporary authentication failure");
        co_return;
    }
    if (opened.account) {
        services_.throttle.succeeded(ip, key);
        spdlog::info("{}: {} logged in as {}", config_->name, client(), opened.account->address());
        account_ = std::move(opened.account);
        watch_ = std::move(opened.watch);
        state_ = State::authenticated;
        // RFC 9051 §5.4: at least 30 minutes of inactivity before an autologout.
        connection_.set_idle_timeout(config_->authenticated_idle_timeout);
        // RFC 9051 §6.2.3: the capabilities change with the login; send them along.
        done(Condition::ok, ResponseCode::capability(capabilities()), "Logged in");
        co_return;
    }
    bool banned = services_.throttle.failed(ip, key);
    spdlog::info("{}: login failed for {} from {}", config_->name, key, client());
    done(Condition::no, ResponseCode::simple("AUTHENTICATIONFAILED"), "Invalid credentials");
    if (banned) {
        spdlog::warn("{}: {} banned after repeated login failures", config_->name, client());
        closing_ = true;
    }
}

}  // namespace sealbox::imap

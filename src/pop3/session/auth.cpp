// USER/PASS (RFC 1939 §7) and AUTH PLAIN (RFC 5034, RFC 4616), over TLS only, slowed and
// banned by the shared net::AuthThrottle; failures carry RFC 3206's response codes.

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/base64.h"
#include "net/blocking.h"
#include "pop3/session/session.h"
#include "smtp/proto/chars.h"

namespace sealbox::pop3 {
namespace asio = boost::asio;

namespace {

void wipe(std::string& s) {
    OPENSSL_cleanse(s.data(), s.size());
}

using net::loggable_user;

constexpr std::string_view kAuthFailed = "Invalid user name or password";

// RFC 1939 §3 allows an autologout timer, of at least 10 minutes.
constexpr std::chrono::milliseconds kMinLoggedInIdle = std::chrono::minutes(10);

}  // namespace

// The project's rule, which RFC 2595 §2 permits: no password over a connection in the clear.
// Not an [AUTH] failure (RFC 3206 §4): the credentials were never looked at.
bool Session::refuse_without_tls() {
    if (connection_.is_tls()) {
        return false;
    }
    respond(err(services_.tls ? "Send STLS first: no password over an unencrypted connection"
                              : "No password over an unencrypted connection"));
    return true;
}

void Session::on_user(const User& user) {
    if (refuse_without_tls()) {
        return;
    }
    user_ = user.name;
    respond(ok("Send the password"));  // the same whether the account exists or not
}

asio::awaitable<void> Session::on_pass(const Pass& pass) {
    std::optional<std::string> user = std::move(user_);
    user_.reset();
    if (refuse_without_tls()) {
        co_return;
    }
    if (!user) {
        bad_command("Send USER first");  // RFC 1939 §7: PASS only right after USER
        co_return;
    }
    auto credentials = std::make_shared<Credentials>();
    credentials->user = std::move(*user);
    credentials->password = pass.password;  // a copy: the command's is wiped after it
    co_await log_in(std::move(credentials));
}

// "AUTH" alone: the mechanisms, as CAPA's SASL line gives them.
void Session::on_auth_list() {
    if (refuse_without_tls()) {
        return;
    }
    const std::vector<std::string> mechanisms{"PLAIN"};
    respond(multi_line("Supported mechanisms", mechanisms));
}

// The decoded answer: the initial response sent with AUTH, or the answer to a "+ " challenge.
// nullopt when the exchange ended (canceled, undecodable, or the client left), the -ERR queued.
asio::awaitable<std::optional<std::string>> Session::sasl_response(const Auth& auth) {
    std::string base64;
    if (auth.initial_response) {
        base64 = *auth.initial_response;  // "=" already came as empty (RFC 5034 §4)
    } else {
        respond(auth_challenge(""));  // RFC 4616 §2: PLAIN's server sends an empty challenge
        auto line = co_await next_line();
        if (!line) {
            closing_ = true;
            co_return std::nullopt;
        }
        if (line->too_long) {
            respond(err("Authentication exchange line is too long"));
            co_return std::nullopt;
        }
        auto parsed = parse_auth_response(line->text);
        wipe(line->text);
        if (std::holds_alternative<AuthCancel>(parsed)) {
            respond(err("Authentication canceled"));  // RFC 5034 §4
            co_return std::nullopt;
        }
        if (auto* error = std::get_if<ParseError>(&parsed)) {
            respond(to_response(*error));
            co_return std::nullopt;
        }
        base64 = std::move(std::get<AuthResponse>(parsed).base64);
    }
    auto decoded = base64_decode(base64);
    wipe(base64);
    if (!decoded) {
        respond(err("Cannot decode response"));
    }
    co_return decoded;
}

asio::awaitable<void> Session::on_auth(const Auth& auth) {
    if (refuse_without_tls()) {
        co_return;
    }
    if (auth.mechanism != "PLAIN") {
        respond(err("Unsupported authentication mechanism"));  // RFC 5034 §4
        co_return;
    }
    auto response = co_await sasl_response(auth);
    if (!response) {
        co_return;
    }
    // RFC 4616 §2: [authzid] NUL authcid NUL passwd
    std::size_t first = response->find('\0');
    std::size_t second = first == std::string::npos ? first : response->find('\0', first + 1);
    if (second == std::string::npos || response->find('\0', second + 1) != std::string::npos) {
        wipe(*response);
        respond(err("Cannot decode response"));
        co_return;
    }
    auto credentials = std::make_shared<Credentials>();
    std::string authzid(response->data(), first);
    credentials->user.assign(*response, first + 1, second - first - 1);
    credentials->password.assign(*response, second + 1);
    wipe(*response);
    // Acting for another user (proxy authorization) is not offered.
    if (!authzid.empty() && authzid != credentials->user) {
        respond(err(kAuthFailed, ResponseCode::auth));
        co_return;
    }
    co_await log_in(std::move(credentials));
}

// false when the client is banned (the response queued and the session closing); otherwise
// waits the delay the throttle asks for. A timer, not a sleeping thread: the delay costs this
// session time, not the server.
asio::awaitable<bool> Session::wait_out_throttle(const std::string& user) {
    auto verdict = services_.throttle.before_attempt(connection_.remote_ip(), user);
    if (verdict.banned) {
        respond(err("Too many failed logins, try again later", ResponseCode::sys_temp));
        closing_ = true;
        co_return false;
    }
    if (verdict.delay.count() > 0) {
        co_await flush();
        asio::steady_timer timer(co_await asio::this_coro::executor, verdict.delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
    co_return true;
}

asio::awaitable<void> Session::log_in(std::shared_ptr<Credentials> credentials) {
    const std::string& ip = connection_.remote_ip();
    const std::string user = loggable_user(credentials->user);
    bool go_on = co_await wait_out_throttle(user);
    if (!go_on) {
        co_return;
    }
    if (credentials->user.empty() || credentials->password.empty()) {
        respond(err(kAuthFailed, ResponseCode::auth));
        co_return;
    }
    Login login;
    try {
        auto check = [this, credentials] {
            return services_.maildrops.login(credentials->user, credentials->password);
        };
        login = co_await net::run_blocking(services_.workers, std::move(check));
    } catch (const std::exception& e) {
        spdlog::error("{}: login of {} from {}: {}", config_->name, user, client(), e.what());
        respond(err("Temporary authentication failure", ResponseCode::sys_temp));  // RFC 3206 §5
        co_return;
    }
    switch (login.status) {
        case Login::Status::ok:
            services_.throttle.succeeded(ip, user);
            spdlog::info("{}: {} logged in as {}", config_->name, client(), login.account);
            enter_transaction(std::move(login));
            co_return;
        case Login::Status::in_use:
            services_.throttle.succeeded(ip, user);
            spdlog::info("{}: {} refused for {}: maildrop in use", config_->name, client(),
                         login.account);
            // RFC 1939 §8 and RFC 2449 §8.1.2
            respond(err("Maildrop already in use by another POP3 session", ResponseCode::in_use));
            co_return;
        case Login::Status::bad_credentials:
            break;
    }
    bool banned = services_.throttle.failed(ip, user);
    spdlog::info("{}: login failed for {} from {}", config_->name, user, client());
    if (!banned) {
        respond(err(kAuthFailed, ResponseCode::auth));  // RFC 3206 §4
        co_return;
    }
    // One response per command, even the last one.
    spdlog::warn("{}: {} banned after repeated login failures", config_->name, client());
    respond(err(std::string(kAuthFailed) + "; too many failures, closing connection",
                ResponseCode::auth));
    closing_ = true;
}

// RFC 1939 §4: the TRANSACTION state, with the maildrop as it is now.
void Session::enter_transaction(Login login) {
    maildrop_ = std::move(login.maildrop);
    account_ = std::move(login.account);
    deleted_.assign(maildrop_->entries().size(), false);
    connection_.set_idle_timeout(std::max(config_->idle_timeout, kMinLoggedInIdle));
    respond(ok("Logged in, " + std::to_string(messages_left()) + " messages (" +
               std::to_string(octets_left()) + " octets)"));
}

}  // namespace sealbox::pop3

// AUTH (RFC 4954) with PLAIN (RFC 4616) and LOGIN, for submission over TLS only, slowed and
// banned by the shared net::AuthThrottle.

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/base64.h"
#include "net/blocking.h"
#include "smtp/proto/chars.h"
#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

namespace {

void wipe(std::string& s) {
    OPENSSL_cleanse(s.data(), s.size());
}

using net::loggable_user;

}  // namespace

std::optional<Reply> Session::auth_refusal() const {
    if (!submission()) {
        return Reply{502, "5.5.1", {"AUTH not available on this port"}};
    }
    if (!connection_.is_tls()) {
        // RFC 3207 §4 and RFC 4954 §4: no password in the clear; AUTH is not advertised yet.
        return Reply{530, "5.7.0", {"Must issue a STARTTLS command first"}};
    }
    if (!extended()) {
        return Reply{503, "5.5.1", {"Send EHLO first"}};
    }
    if (account_) {
        return Reply{503, "5.5.1", {"Already authenticated"}};  // RFC 4954 §4
    }
    if (transaction_) {
        return Reply{503, "5.5.1", {"AUTH not allowed during a mail transaction"}};  // §4
    }
    return std::nullopt;
}

// Sends a 334 challenge and returns the decoded answer; nullopt when the exchange ended
// (canceled, undecodable, too long, or the client left), the reply to that already queued.
asio::awaitable<std::optional<std::string>> Session::auth_response(std::string_view challenge) {
    // RFC 4954 §4: continue-req = "334" SP [base64] CRLF; serialize() would drop the space.
    output_ += "334 " + base64_encode(challenge) + "\r\n";
    auto line = co_await next_line();
    if (!line) {
        closing_ = true;
        co_return std::nullopt;
    }
    if (line->too_long) {
        reply(500, "5.5.6", "Authentication exchange line is too long");  // RFC 4954 §4
        co_return std::nullopt;
    }
    if (line->text == "*") {
        reply(501, "5.0.0", "Authentication canceled");  // RFC 4954 §4
        co_return std::nullopt;
    }
    auto decoded = base64_decode(line->text);
    wipe(line->text);
    if (!decoded) {
        reply(501, "5.5.2", "Cannot decode response");
        co_return std::nullopt;
    }
    co_return decoded;
}

asio::awaitable<void> Session::on_auth(const Auth& auth) {
    if (auto refusal = auth_refusal()) {
        reply(std::move(*refusal));
        if (refusal->code == 503) {
            bad_command();
        }
        co_return;
    }
    std::shared_ptr<Credentials> credentials;
    if (auth.mechanism == "PLAIN") {
        credentials = co_await read_plain(auth);
    } else if (auth.mechanism == "LOGIN") {
        credentials = co_await read_login(auth);
    } else {
        reply(504, "5.5.4", "Unrecognized authentication type");  // RFC 4954 §4
        co_return;
    }
    if (credentials) {
        co_await check_password(credentials);
    }
}

// The client's answer: the initial response sent with AUTH, or the answer to a 334 challenge.
asio::awaitable<std::optional<std::string>> Session::first_response(const Auth& auth,
                                                                    std::string_view challenge) {
    if (!auth.initial_response) {
        co_return co_await auth_response(challenge);
    }
    auto decoded = base64_decode(*auth.initial_response);
    if (!decoded) {
        reply(501, "5.5.2", "Cannot decode response");
    }
    co_return decoded;
}

// RFC 4616 §2: [authzid] NUL authcid NUL passwd. Null when the exchange failed (reply queued).
asio::awaitable<std::shared_ptr<Credentials>> Session::read_plain(const Auth& auth) {
    auto response = co_await first_response(auth, "");
    if (!response) {
        co_return nullptr;
    }
    std::size_t first = response->find('\0');
    std::size_t second = first == std::string::npos ? first : response->find('\0', first + 1);
    if (second == std::string::npos || response->find('\0', second + 1) != std::string::npos) {
        wipe(*response);
        reply(501, "5.5.2", "Cannot decode response");
        co_return nullptr;
    }
    auto credentials = std::make_shared<Credentials>();
    std::string authzid(response->data(), first);
    credentials->user.assign(*response, first + 1, second - first - 1);
    credentials->password.assign(*response, second + 1);
    wipe(*response);
    // Acting for another user (proxy authorization) is not offered.
    if (!authzid.empty() && authzid != credentials->user) {
        reply(535, "5.7.8", "Authentication credentials invalid");
        co_return nullptr;
    }
    co_return credentials;
}

// The de facto LOGIN mechanism (draft-murchison-sasl-login): user name, then password.
asio::awaitable<std::shared_ptr<Credentials>> Session::read_login(const Auth& auth) {
    auto user = co_await first_response(auth, "Username:");
    if (!user) {
        co_return nullptr;
    }
    auto password = co_await auth_response("Password:");
    if (!password) {
        co_return nullptr;
    }
    auto credentials = std::make_shared<Credentials>();
    credentials->user = *user;
    credentials->password = *password;
    wipe(*password);
    co_return credentials;
}

asio::awaitable<void> Session::check_password(std::shared_ptr<Credentials> credentials) {
    const std::string& ip = connection_.remote_ip();
    const std::string user = loggable_user(credentials->user);
    auto verdict = services_.throttle.before_attempt(ip, user);
    if (verdict.banned) {
        reply(421, "4.7.0", config_->hostname + " Too many failed logins, try again later");
        closing_ = true;
        co_return;
    }
    if (credentials->user.empty() || credentials->password.empty()) {
        reply(535, "5.7.8", "Authentication credentials invalid");
        co_return;
    }
    if (verdict.delay.count() > 0) {
        // A timer, not a sleeping thread: the delay costs this session time, not the server.
        co_await flush();
        asio::steady_timer timer(co_await asio::this_coro::executor, verdict.delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
    std::optional<std::string> account;
    auto check = [this, credentials] {
        return services_.mail.authenticate(credentials->user, credentials->password);
    };
    try {
        account = co_await net::run_blocking(services_.workers, std::move(check));
    } catch (const std::exception& e) {
        spdlog::error("{}: authentication of {} from {}: {}", config_->name, user, client(),
                      e.what());
        reply(454, "4.7.0", "Temporary authentication failure");  // RFC 4954 §6
        co_return;
    }
    if (account) {
        services_.throttle.succeeded(ip, user);
        spdlog::info("{}: {} authenticated as {}", config_->name, client(), *account);
        account_ = std::move(account);
        reply(235, "2.7.0", "Authentication successful");  // RFC 4954 §6
        co_return;
    }
    bool banned = services_.throttle.failed(ip, user);
    spdlog::info("{}: authentication failed for {} from {}", config_->name, user, client());
    reply(535, "5.7.8", "Authentication credentials invalid");  // RFC 4954 §6
    if (banned) {
        spdlog::warn("{}: {} banned after repeated authentication failures", config_->name,
                     client());
        reply(421, "4.7.0", config_->hostname + " Too many failed logins, try again later");
        closing_ = true;
    }
}

}  // namespace sealbox::smtp

#include "net/listener.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/error.h"
#include "core/log.h"

namespace sealbox::net {
namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, ListenerSpec spec, std::shared_ptr<TlsContextProvider> tls,
                   SessionHandler session)
    : io_(io),
      spec_(std::move(spec)),
      tls_(std::move(tls)),
      session_(std::move(session)),
      acceptor_(io),
      limits_(ConnectionLimits::create(spec_.config.max_connections,
                                       spec_.config.max_connections_per_ip)) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(spec_.config.address, ec);
    if (ec) {
        throw Error(ErrorCode::config,
                    fmt::format("listeners.{}.address: \"{}\" is not an IP address", spec_.name,
                                spec_.config.address));
    }
    tcp::endpoint endpoint(address, static_cast<std::uint16_t>(spec_.config.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw Error(ErrorCode::config,
                    fmt::format("listeners.{}: cannot listen on {}:{}: {}", spec_.name,
                                spec_.config.address, spec_.config.port, ec.message()));
    }
}

std::uint16_t Listener::port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void Listener::start() {
    spdlog::info("listening for {} on {}:{}{}", spec_.name, spec_.config.address, port(),
                 spec_.implicit_tls ? " (TLS)" : "");
    asio::co_spawn(io_, accept_loop(), asio::detached);
}

void Listener::stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

asio::awaitable<void> Listener::accept_loop() {
    while (acceptor_.is_open()) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(
            asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (ec == asio::error::operation_aborted) {
                break;
            }
            // Out of file descriptors and the like: pause rather than spin.
            spdlog::warn("{}: accept failed: {}", spec_.name, ec.message());
            asio::steady_timer pause(io_, std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto connection =
            std::make_shared<Connection>(std::move(socket), spec_.config.idle_timeout);
        auto slot = limits_->admit(connection->remote_ip());
        auto executor = connection->executor();
        asio::co_spawn(executor, serve(std::move(connection), std::move(slot)), asio::detached);
    }
}

asio::awaitable<void> Listener::serve(std::shared_ptr<Connection> connection,
                                      std::optional<ConnectionLimits::Slot> slot) {
    connection->start();
    std::string client = loggable_ip(connection->remote_ip());
    try {
        // Awaited into variables, never inside a condition: gcc 12 miscompiles that shape.
        bool secured = false;
        if (!slot) {
            spdlog::info("{}: refused {}: connection limit", spec_.name, client);
            if (!spec_.busy_reply.empty() && !spec_.implicit_tls) {
                co_await connection->write(spec_.busy_reply);
            }
        } else if (spec_.implicit_tls) {
            secured = co_await connection->handshake(tls_->current());
            if (!secured) {
                spdlog::debug("{}: TLS handshake with {} failed", spec_.name, client);
            }
        } else {
            secured = true;
        }
        if (secured) {
            spdlog::debug("{}: connection from {}", spec_.name, client);
            co_await session_(*connection);
        }
    } catch (const boost::system::system_error& e) {
        spdlog::debug("{}: session with {} ended: {}", spec_.name, client, e.what());
    } catch (const std::exception& e) {
        spdlog::warn("{}: session with {} failed: {}", spec_.name, client, e.what());
    }
    if (connection->timed_out()) {
        spdlog::debug("{}: {} timed out", spec_.name, client);
    }
    connection->close();
}

}  // namespace sealbox::net

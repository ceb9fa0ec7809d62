#pragma once
// A listening socket and its accept loop: admits a connection within the listener's limits,
// performs the TLS handshake of implicit-TLS ports, and runs the protocol's session on the
// connection's own strand. Any failure of one session is logged and ends that session only.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

#include "core/config.h"
#include "net/connection.h"
#include "net/connection_limits.h"
#include "net/tls.h"

namespace sealbox::net {

struct ListenerSpec {
    std::string name;  // "smtp", "imaps"...: the config key, used in logs
    ListenerConfig config;
    bool implicit_tls = false;
    // Sent before closing a connection refused for the limits, e.g. "421 4.7.0 Too many
    // connections\r\n"; may be empty.
    std::string busy_reply;
};

using SessionHandler = std::function<boost::asio::awaitable<void>(Connection&)>;

class Listener {
public:
    // Binds now, so that a port in use is an error at start: Error(config) naming the listener.
    Listener(boost::asio::io_context& io, ListenerSpec spec, std::shared_ptr<TlsContextProvider> tls,
             SessionHandler session);
    void start();
    void stop();
    const ListenerSpec& spec() const { return spec_; }
    std::uint16_t port() const;

private:
    boost::asio::awaitable<void> accept_loop();
    boost::asio::awaitable<void> serve(std::shared_ptr<Connection> connection,
                                       std::optional<ConnectionLimits::Slot> slot);

    boost::asio::io_context& io_;
    ListenerSpec spec_;
    std::shared_ptr<TlsContextProvider> tls_;
    SessionHandler session_;
    boost::asio::ip::tcp::acceptor acceptor_;
    std::shared_ptr<ConnectionLimits> limits_;
};

}  // namespace sealbox::net

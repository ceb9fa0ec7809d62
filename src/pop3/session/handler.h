#pragma once
// The POP3 server side as a listener runs it: "pop3" with STLS (RFC 2595 §4) and "pop3s" with
// implicit TLS (RFC 8314 §3.3). Passwords are taken over TLS only.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "net/auth_throttle.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/tls.h"
#include "pop3/service.h"

namespace sealbox::pop3 {

// Whether a listener named in the configuration is a POP3 one.
bool is_pop3_listener(std::string_view name);

struct SessionConfig {
    std::string name = "pop3";  // the listener's name, for logs
    std::string hostname = "localhost";
    // Longer lines are refused whole; command lines are held to RFC 2449 §4's 255 octets anyway,
    // SASL response lines are not.
    std::size_t max_line_length = 8192;
    int max_bad_commands = 10;
    // The listener's idle timeout, kept before login. RFC 1939 §3: once logged in, the
    // autologout timer is at least 10 minutes, whatever the listener says.
    std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
};

struct SessionServices {
    MaildropService& maildrops;
    boost::asio::thread_pool& workers;  // every MaildropService and Maildrop call runs here
    net::AuthThrottle& throttle;
    std::shared_ptr<net::TlsContextProvider> tls;  // for STLS; null: not offered
};

// Runs one session on an accepted (and, for implicit TLS, already secured) connection.
boost::asio::awaitable<void> run_session(net::Connection& connection,
                                         std::shared_ptr<const SessionConfig> config,
                                         SessionServices services);

net::SessionHandler session_handler(SessionConfig config, SessionServices services);

// Sent to a client refused by the listener's connection limits.
std::string busy_response();

}  // namespace sealbox::pop3

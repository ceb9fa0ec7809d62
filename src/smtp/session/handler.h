#pragma once
// The SMTP server side as a listener runs it: inbound MX (smtp), message submission (RFC 6409:
// submission with STARTTLS, submissions with implicit TLS per RFC 8314) and LMTP (RFC 2033).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/auth_throttle.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/tls.h"
#include "smtp/inbound_checks.h"
#include "smtp/proto/data_reader.h"
#include "smtp/service.h"

namespace sealbox::smtp {

enum class Mode {
    smtp,         // inbound MX: no AUTH, local recipients only
    submission,   // port 587: AUTH only after STARTTLS, MAIL only after AUTH
    submissions,  // port 465: the same over implicit TLS
    lmtp,         // LHLO, and one reply per recipient after the message
};

// The mode of a listener named in the configuration; nullopt for a listener of another protocol.
std::optional<Mode> mode_for_listener(std::string_view name);

struct SessionConfig {
    std::string name = "smtp";  // the listener's name, for logs
    Mode mode = Mode::smtp;
    std::string hostname = "localhost";
    std::size_t max_line_length = 8192;
    int max_bad_commands = 10;
    std::size_t max_recipients = 100;
    // Largest message the store accepts; the session keeps room below it for the trace
    // header fields it adds, and advertises the rest with SIZE.
    std::uint64_t max_message_size = 50ULL << 20;
    BareLineEndings bare_line_endings = BareLineEndings::reject;
};

struct SessionServices {
    MailService& mail;
    boost::asio::thread_pool& workers;  // every MailService call runs here
    net::AuthThrottle& throttle;
    std::shared_ptr<net::TlsContextProvider> tls;  // for STARTTLS; null: not offered
    // Mail authentication of unauthenticated mail; null: none (submission, LMTP, or off).
    InboundChecks* inbound = nullptr;
};

// Runs one session on an accepted (and, for implicit TLS, already secured) connection.
boost::asio::awaitable<void> run_session(net::Connection& connection,
                                         std::shared_ptr<const SessionConfig> config,
                                         SessionServices services);

net::SessionHandler session_handler(SessionConfig config, SessionServices services);

// Sent to a client refused by the listener's connection limits (RFC 5321 §3.1, §4.2.3).
std::string busy_reply();

}  // namespace sealbox::smtp

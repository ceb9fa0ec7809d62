#pragma once
// The IMAP server side as a listener runs it: "imap" (port 143, STARTTLS required before any
// login, RFC 9051 §6.2.1, RFC 8314 §3.3) and "imaps" (port 993, implicit TLS, RFC 8314 §3.2).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "imap/service.h"
#include "net/auth_throttle.h"
#include "net/connection.h"
#include "net/listener.h"
#include "net/tls.h"

namespace sealbox::imap {

enum class Mode {
    imap,   // plain port: STARTTLS, and no LOGIN/AUTHENTICATE before it
    imaps,  // implicit TLS
};

// The mode of a listener named in the configuration; nullopt for a listener of another protocol.
std::optional<Mode> mode_for_listener(std::string_view name);

struct SessionConfig {
    std::string name = "imap";  // the listener's name, for logs
    Mode mode = Mode::imap;
    std::size_t max_line_length = 8192;  // RFC 7162 §4 asks for at least 8192
    int max_bad_commands = 10;
    // RFC 9051 §5.4: an autologout timer after login runs at least 30 minutes; IDLE relies
    // on it. Before login the listener's own idle timeout applies.
    std::chrono::milliseconds authenticated_idle_timeout = std::chrono::minutes(30);
    // FETCH asks the store for this many messages at a time, and writes each batch at once.
    std::size_t fetch_batch = 100;
    // RFC 5465 §5.8: NOTIFY is turned off, with NOTIFICATIONOVERFLOW, rather than tell more
    // than this at once (mailboxes changed, or new messages to FETCH for MessageNew).
    std::size_t max_notifications = 1000;
    // RFC 5464 §4.1 asks for at least 1024 octets per value and 10 entries per mailbox.
    std::uint32_t max_metadata_value = 64 * 1024;  // SETMETADATA's [METADATA MAXSIZE]
    MetadataLimits metadata_limits;
};

struct SessionServices {
    MailService& mail;
    boost::asio::thread_pool& workers;  // every MailService/Account call runs here
    net::AuthThrottle& throttle;
    std::shared_ptr<net::TlsContextProvider> tls;  // for STARTTLS; null: not offered
};

// Runs one session on an accepted (and, for imaps, already secured) connection.
boost::asio::awaitable<void> run_session(net::Connection& connection,
                                         std::shared_ptr<const SessionConfig> config,
                                         SessionServices services);

net::SessionHandler session_handler(SessionConfig config, SessionServices services);

// Sent to a client refused by the listener's connection limits (RFC 9051 §7.1.5).
std::string busy_reply();

}  // namespace sealbox::imap

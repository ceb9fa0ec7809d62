#pragma once
// How the SMTP client talks to one server: its own name, the TLS policy, credentials for a
// smart host, and how long it waits for each reply.

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "net/client_connection.h"

namespace sealbox::smtp::client {

using std::chrono::milliseconds;

// RFC 5321 §4.5.3.2: how long to wait for each reply before giving up on the server.
struct Timeouts {
    milliseconds connect = std::chrono::seconds(30);    // not in RFC 5321; the kernel's is minutes
    milliseconds greeting = std::chrono::minutes(5);    // §4.5.3.2.1: the initial 220
    milliseconds mail = std::chrono::minutes(5);        // §4.5.3.2.2
    milliseconds rcpt = std::chrono::minutes(5);        // §4.5.3.2.3
    milliseconds data_init = std::chrono::minutes(2);   // §4.5.3.2.4: the 354
    milliseconds data_block = std::chrono::minutes(3);  // §4.5.3.2.5: each block of content sent
    milliseconds data_end = std::chrono::minutes(10);   // §4.5.3.2.6: the reply to the final dot
    // EHLO, HELO, STARTTLS and its handshake, AUTH, RSET: §4.5.3.2 names none; as long as MAIL.
    milliseconds command = std::chrono::minutes(5);
    // QUIT: nothing depends on its answer, so it is not worth holding a connection for long.
    milliseconds quit = std::chrono::seconds(30);
};

enum class TlsPolicy {
    none,           // never STARTTLS
    opportunistic,  // STARTTLS when offered, any certificate (RFC 7435); plain text otherwise
    required,       // STARTTLS or no delivery; any certificate
    // STARTTLS with a certificate that chains to a trusted CA and names tls_server_name, or no
    // delivery: for smart hosts, and MX hosts under an enforced MTA-STS policy (RFC 8461 §5)
    required_verified,
    // STARTTLS with a certificate that matches ClientOptions::dane's TLSA records, or no
    // delivery (RFC 7672 §2.2): for MX hosts with DNSSEC-validated TLSA records.
    dane,
};

struct Credentials {  // AUTH PLAIN (RFC 4616), or LOGIN where only that is offered
    std::string user;
    std::string password;
};

struct ClientOptions {
    std::string helo_name;  // our host name for EHLO/HELO: a domain or an address literal
    TlsPolicy tls = TlsPolicy::opportunistic;
    // Sent as SNI, and what the certificate must name under required_verified: the MX host
    // name (RFC 7672 §3.2.2 for DANE, RFC 8461 §4.1 for MTA-STS) or the smart host's name.
    std::string tls_server_name;
    // Under TlsPolicy::dane: the records and the names to check (RFC 7672 §3).
    std::optional<net::DaneRequirement> dane;
    // Sent only over TLS (RFC 4954 §4, RFC 8314 §3): without TLS the connection fails instead.
    std::optional<Credentials> auth;
    Timeouts timeouts;
    // From net::make_client_tls_context(), shared by every connection; made on first use when
    // null.
    std::shared_ptr<boost::asio::ssl::context> tls_context;
};

}  // namespace sealbox::smtp::client

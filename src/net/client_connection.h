#pragma once
// One outbound connection, plain or TLS, as the SMTP client sees it: connect, lines of bounded
// length, writes, and a STARTTLS handshake that checks the server's certificate when asked.
// Every operation has its own timeout (RFC 5321 §4.5.3.2 gives one per command); when it
// passes, the connection is closed and the operation fails with timed_out() set.
//
// All calls, and the timers behind them, run on the executor given to create(): the calling
// coroutine must run there too (a strand, when the io_context has several threads).

#include <openssl/ssl.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/connection.h"

namespace sealbox::net {

enum class TlsVerify {
    none,    // any certificate: opportunistic TLS (RFC 7435), the result is still recorded
    verify,  // a chain to a trusted CA and a certificate for the server name, or no handshake
};

// RFC 7672 §3.1 / RFC 6698 §2.1: one TLSA record the server's certificate may match.
struct DaneTlsa {
    std::uint8_t usage = 0;
    std::uint8_t selector = 0;
    std::uint8_t matching_type = 0;
    std::vector<std::uint8_t> data;
};

// DANE authentication of the server, by OpenSSL's own DANE (RFC 7671): the certificate must
// match one of `records`, and under DANE-TA(2) also name `base_domain` (RFC 7672 §3.2.2);
// DANE-EE(3) matches ignore names and expiry (RFC 7672 §3.1.1).
struct DaneRequirement {
    std::string base_domain;        // the TLSA base domain: the MX host name
    std::vector<DaneTlsa> records;  // usable records only (DANE-TA, DANE-EE)
};

class ClientConnection : public std::enable_shared_from_this<ClientConnection> {
  public:
    // Shared because a pending timeout holds a weak reference to the connection.
    static std::shared_ptr<ClientConnection> create(boost::asio::any_io_executor executor);
    ~ClientConnection();
    ClientConnection(const ClientConnection&) = delete;
    ClientConnection& operator=(const ClientConnection&) = delete;

    // False when the connection cannot be made (see error() and timed_out()).
    boost::asio::awaitable<bool> connect(const boost::asio::ip::tcp::endpoint& endpoint,
                                         std::chrono::milliseconds timeout);

    // The next line, or nullopt when the server went away, the read failed or timed out. A line
    // longer than max_length comes back with too_long set and no text, as soon as that is
    // known; the stream is then out of step, and the caller should close.
    boost::asio::awaitable<std::optional<Line>> read_line(std::size_t max_length,
                                                          std::chrono::milliseconds timeout);

    // False when the write failed or timed out.
    boost::asio::awaitable<bool> write(std::string_view data, std::chrono::milliseconds timeout);

    // The client side of STARTTLS. server_name goes out as SNI (RFC 6066 §3, not for an IP
    // address) and is what the certificate is checked against; its result is recorded either
    // way, and under TlsVerify::verify a failure ends the handshake. Input buffered before the
    // handshake is discarded: a server (or someone in the path) that sent more than the 220
    // in the clear must not have it read as if it came over TLS (RFC 3207 §4.2). False on
    // failure, with verification_error() set when the certificate was the reason. With `dane`
    // the certificate is checked against its TLSA records instead of the CA store, and a
    // mismatch ends the handshake whatever `verify` says.
    boost::asio::awaitable<bool> handshake(std::shared_ptr<boost::asio::ssl::context> context,
                                           const std::string& server_name, TlsVerify verify,
                                           std::chrono::milliseconds timeout,
                                           const DaneRequirement* dane = nullptr);

    void close();
    bool is_open() const { return open_; }

    // Why the last operation failed: timed out, or the system's or OpenSSL's error.
    bool timed_out() const { return timed_out_; }
    const boost::system::error_code& error() const { return error_; }

    const boost::asio::ip::tcp::endpoint& remote_endpoint() const { return remote_; }
    bool is_tls() const { return tls_.has_value(); }
    std::string tls_version() const;  // "TLSv1.3", or empty
    std::string tls_cipher() const;
    // A certificate was presented, chains to a trusted CA, and names the server given to
    // handshake() (when one was given).
    bool certificate_verified() const;
    // Why the certificate did not verify ("self-signed certificate", "hostname mismatch"), or
    // empty when it did or no certificate was checked.
    std::string verification_error() const;
    // After a DANE handshake: which TLSA record matched, as "DANE-EE(3) 1 1 at depth 0";
    // empty without DANE.
    std::string dane_authority() const;
    // The TLS session, for what needs more than the above: SSL_get0_peer_certificate(),
    // SSL_get_peer_cert_chain() and SSL_get0_verified_chain() give the certificates (DANE,
    // RFC 7672, checks them against TLSA records). Null before a handshake.
    SSL* native_tls();

  private:
    explicit ClientConnection(boost::asio::any_io_executor executor);

    // While an operation runs, a timer closes the connection if it runs too long.
    class Deadline;
    Deadline arm(std::chrono::milliseconds timeout);
    void expire(std::uint64_t generation);

    boost::asio::ip::tcp::socket& socket();
    SSL* ssl() const;
    bool closed();
    boost::asio::awaitable<bool> fill();

    std::shared_ptr<boost::asio::ssl::context> tls_context_;  // declared first: outlives tls_
    std::optional<boost::asio::ip::tcp::socket> plain_;
    std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
    boost::asio::steady_timer timer_;
    std::uint64_t generation_ = 0;  // which operation the pending timer belongs to
    bool open_ = false;
    bool timed_out_ = false;
    boost::system::error_code error_;
    boost::asio::ip::tcp::endpoint remote_;
    std::string buffer_;
};

}  // namespace sealbox::net

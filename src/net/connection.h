#pragma once
// One client connection, plain or TLS, as a protocol session sees it: lines of bounded length,
// raw bytes for DATA/BDAT/literals, writes, STARTTLS, and an idle timeout that closes a silent
// client. Runs on one strand; a session and the watchdog never race.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/deflate.h"
#include "net/server_tls.h"

namespace sealbox::net {

struct Line {
    std::string text;       // without the line ending
    bool too_long = false;  // the line was longer than allowed; its text is dropped
    bool bare_lf = false;   // ended by LF alone rather than CRLF
};

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(boost::asio::ip::tcp::socket socket, std::chrono::milliseconds idle_timeout);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Starts the idle watchdog; call once the connection is owned by a shared_ptr.
    void start();

    // Implicit TLS (ports 465, 993, 995) and STARTTLS. Input buffered before the handshake is
    // discarded: whatever a client pipelined after STARTTLS was sent in the clear and must not
    // be read as if it came over TLS (RFC 3207 §4.2, CVE-2011-0411). Returns false on failure.
    boost::asio::awaitable<bool> handshake(std::shared_ptr<boost::asio::ssl::context> context);

    // The next line, or nullopt when the client went away or timed out.
    boost::asio::awaitable<std::optional<Line>> read_line(std::size_t max_length);
    // Reads more input into the buffer; false when the client went away or timed out.
    boost::asio::awaitable<bool> fill();
    std::string_view buffered() const { return std::string_view(buffer_).substr(start_); }
    void consume(std::size_t n);
    bool has_buffered_input() const { return start_ < buffer_.size(); }

    // Throws boost::system::system_error when the client is gone.
    boost::asio::awaitable<void> write(std::string_view data);

    void set_idle_timeout(std::chrono::milliseconds timeout) { idle_timeout_ = timeout; }
    bool timed_out() const { return timed_out_; }
    void close();

    // From now on every octet either way is DEFLATE-compressed (IMAP COMPRESS, RFC 4978 §3).
    // Call after writing the response that accepts it.
    void start_compression();
    bool compressed() const { return deflate_ != nullptr; }

    bool is_tls() const { return tls_ != nullptr; }
    std::string tls_version() const;  // "TLSv1.3", or empty
    std::string tls_cipher() const;
    const std::string& remote_ip() const { return remote_ip_; }
    std::uint16_t local_port() const { return local_port_; }
    boost::asio::any_io_executor executor() { return timer_.get_executor(); }

  private:
    boost::asio::awaitable<void> watchdog();
    void touch() { deadline_ = std::chrono::steady_clock::now() + idle_timeout_; }
    boost::asio::awaitable<std::size_t> read_some(char* data, std::size_t size,
                                                  boost::system::error_code& ec);

    std::shared_ptr<boost::asio::ssl::context> tls_context_;  // declared first: outlives tls_
    boost::asio::ip::tcp::socket socket_;
    std::unique_ptr<ServerTls> tls_;
    boost::asio::steady_timer timer_;
    std::chrono::milliseconds idle_timeout_;
    std::chrono::steady_clock::time_point deadline_;
    bool open_ = true;
    bool timed_out_ = false;
    std::string buffer_;
    std::size_t start_ = 0;
    std::unique_ptr<Deflate> deflate_;
    std::string remote_ip_;
    std::uint16_t local_port_ = 0;
};

}  // namespace sealbox::net

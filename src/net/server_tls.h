#pragma once
// TLS for a server connection, on OpenSSL directly: the SSL object reads and writes the socket
// itself (non-blocking), and Asio only says when the socket is ready. Unlike asio::ssl::stream,
// which keeps two 17 KiB buffers per connection for its whole life, an idle connection holds
// only OpenSSL's state: SSL_MODE_RELEASE_BUFFERS returns the record buffers between reads,
// which is what lets thousands of idle IMAP clients stay cheap.
//
// Used on one strand, with at most one read and one write in flight (OpenSSL allows a read
// and a write to interleave on one SSL object when both are called from one thread). Every
// OpenSSL call is made only while the socket is open: a closed descriptor's number may already
// belong to another connection.

#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <string_view>

namespace sealbox::net {

class ServerTls {
  public:
    // The socket must outlive this object.
    ServerTls(boost::asio::ip::tcp::socket& socket, SSL_CTX* context);
    ServerTls(const ServerTls&) = delete;
    ServerTls& operator=(const ServerTls&) = delete;

    boost::asio::awaitable<boost::system::error_code> handshake();
    // Returns when the next read_some() can make progress without waiting for the peer.
    boost::asio::awaitable<boost::system::error_code> wait_readable();
    // At least one octet of application data, or an error (eof when the peer closed).
    boost::asio::awaitable<std::size_t> read_some(char* data, std::size_t size,
                                                  boost::system::error_code& ec);
    // All of `data`; throws boost::system::system_error when the peer is gone.
    boost::asio::awaitable<void> write(std::string_view data);

    SSL* native() const { return ssl_.get(); }

  private:
    // What OpenSSL asked for after a call that could not complete: wait for it, or fail.
    boost::asio::awaitable<boost::system::error_code> wait_for(int ssl_result);

    boost::asio::ip::tcp::socket& socket_;
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl_;
};

}  // namespace sealbox::net

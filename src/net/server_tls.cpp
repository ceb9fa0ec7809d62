#include "net/server_tls.h"

#include <openssl/err.h>

#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

namespace sealbox::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

boost::system::error_code ssl_failure() {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return asio::error::connection_reset;  // SSL_ERROR_SYSCALL without a queued error
    }
    return {static_cast<int>(code), asio::error::get_ssl_category()};
}

}  // namespace

ServerTls::ServerTls(tcp::socket& socket, SSL_CTX* context)
    : socket_(socket), ssl_(SSL_new(context), &SSL_free) {
    if (!ssl_) {
        throw boost::system::system_error(ssl_failure(), "SSL_new");
    }
    socket_.non_blocking(true);
    SSL_set_fd(ssl_.get(), static_cast<int>(socket_.native_handle()));
    SSL_set_accept_state(ssl_.get());
    // Renegotiation (TLS 1.2) is a way to make the server spend handshakes on demand.
    SSL_set_options(ssl_.get(), SSL_OP_NO_RENEGOTIATION);
    // A write may complete in parts, and its retry may come from a moved buffer (a std::string
    // the caller owns); the record buffers go back to the allocator whenever they are empty.
    SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                 SSL_MODE_RELEASE_BUFFERS);
}

asio::awaitable<boost::system::error_code> ServerTls::wait_for(int ssl_result) {
    boost::system::error_code ec;
    switch (SSL_get_error(ssl_.get(), ssl_result)) {
        case SSL_ERROR_WANT_READ:
            co_await socket_.async_wait(tcp::socket::wait_read,
                                        asio::redirect_error(asio::use_awaitable, ec));
            break;
        case SSL_ERROR_WANT_WRITE:
            co_await socket_.async_wait(tcp::socket::wait_write,
                                        asio::redirect_error(asio::use_awaitable, ec));
            break;
        case SSL_ERROR_ZERO_RETURN:
            ec = asio::error::eof;  // the peer's close_notify
            break;
        default:
            ec = ssl_failure();
    }
    if (!ec && !socket_.is_open()) {
        ec = asio::error::operation_aborted;  // closed while the wait's result was on its way
    }
    co_return ec;
}

// The error queue is per thread, and other sessions run on this thread between our calls: it is
// cleared before every call, or SSL_get_error() would read their errors as ours.
asio::awaitable<boost::system::error_code> ServerTls::handshake() {
    while (socket_.is_open()) {
        ERR_clear_error();
        int rc = SSL_do_handshake(ssl_.get());
        if (rc == 1) {
            co_return boost::system::error_code{};
        }
        if (auto ec = co_await wait_for(rc)) {
            co_return ec;
        }
    }
    co_return asio::error::operation_aborted;
}

asio::awaitable<boost::system::error_code> ServerTls::wait_readable() {
    boost::system::error_code ec;
    if (!socket_.is_open()) {
        co_return asio::error::operation_aborted;
    }
    if (SSL_has_pending(ssl_.get())) {
        co_return ec;
    }
    co_await socket_.async_wait(tcp::socket::wait_read,
                                asio::redirect_error(asio::use_awaitable, ec));
    co_return ec;
}

asio::awaitable<std::size_t> ServerTls::read_some(char* data, std::size_t size,
                                                  boost::system::error_code& ec) {
    ec = {};
    while (socket_.is_open()) {
        std::size_t n = 0;
        ERR_clear_error();
        int rc = SSL_read_ex(ssl_.get(), data, size, &n);
        if (rc == 1) {
            co_return n;
        }
        if ((ec = co_await wait_for(rc))) {
            co_return 0;
        }
    }
    ec = asio::error::operation_aborted;
    co_return 0;
}

asio::awaitable<void> ServerTls::write(std::string_view data) {
    while (!data.empty()) {
        if (!socket_.is_open()) {
            throw boost::system::system_error(asio::error::operation_aborted);
        }
        std::size_t n = 0;
        ERR_clear_error();
        int rc = SSL_write_ex(ssl_.get(), data.data(), data.size(), &n);
        if (rc == 1) {
            data.remove_prefix(n);
            continue;
        }
        if (auto ec = co_await wait_for(rc)) {
            throw boost::system::system_error(ec);
        }
    }
}

}  // namespace sealbox::net

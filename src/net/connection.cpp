#include "net/connection.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace sealbox::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

constexpr std::size_t kReadChunk = 16 * 1024;
// An emptied buffer larger than this is given back, so that an idle connection holds none.
constexpr std::size_t kIdleCapacity = 256;
// Consumed input is dropped from the front of the buffer once it is this large, so the buffer
// never holds more than one read beyond what the session has not consumed yet.
constexpr std::size_t kCompactAt = 64 * 1024;
// Inflated octets added per fill() at most: enough for any line, and a bound on what a
// compressed "bomb" can make the server hold at once.
constexpr std::size_t kInflateStep = 64 * 1024;

}  // namespace

Connection::Connection(tcp::socket socket, std::chrono::milliseconds idle_timeout)
    : socket_(std::move(socket)), timer_(socket_.get_executor()), idle_timeout_(idle_timeout) {
    boost::system::error_code ec;
    auto remote = socket_.remote_endpoint(ec);
    remote_ip_ = ec ? "?" : remote.address().to_string();
    auto local = socket_.local_endpoint(ec);
    local_port_ = ec ? 0 : local.port();
    touch();
}

Connection::~Connection() = default;

void Connection::start() {
    asio::co_spawn(
        timer_.get_executor(), [self = shared_from_this()]() { return self->watchdog(); },
        asio::detached);
}

asio::awaitable<void> Connection::watchdog() {
    while (open_) {
        timer_.expires_at(deadline_);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (open_ && std::chrono::steady_clock::now() >= deadline_) {
            timed_out_ = true;
            close();
        }
    }
}

void Connection::close() {
    if (!open_) {
        return;
    }
    open_ = false;
    timer_.cancel();
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
}

asio::awaitable<bool> Connection::handshake(std::shared_ptr<asio::ssl::context> context) {
    buffer_.clear();
    start_ = 0;
    tls_context_ = std::move(context);
    touch();
    boost::system::error_code ec;
    try {
        tls_ = std::make_unique<ServerTls>(socket_, tls_context_->native_handle());
        ec = co_await tls_->handshake();
    } catch (const boost::system::system_error& e) {
        ec = e.code();
    }
    if (ec || !open_) {
        close();
        co_return false;
    }
    touch();
    co_return true;
}

asio::awaitable<bool> Connection::fill() {
    if (!open_) {
        co_return false;
    }
    if (start_ >= kCompactAt) {
        buffer_.erase(0, start_);
        start_ = 0;
    }
    for (;;) {
        if (deflate_ && deflate_->has_pending()) {
            std::size_t before = buffer_.size();
            if (!deflate_->inflate_into(buffer_, kInflateStep)) {
                close();
                co_return false;
            }
            if (buffer_.size() > before) {
                touch();
                co_return true;
            }
        }
        boost::system::error_code ec;
        if (buffer_.empty()) {
            // Idle until the client speaks, without a read buffer to hold meanwhile.
            if (tls_) {
                ec = co_await tls_->wait_readable();
            } else {
                co_await socket_.async_wait(tcp::socket::wait_read,
                                            asio::redirect_error(asio::use_awaitable, ec));
            }
        }
        std::size_t old_size = buffer_.size();
        std::size_t n = 0;
        if (!ec) {
            buffer_.resize(old_size + kReadChunk);
            n = co_await read_some(buffer_.data() + old_size, kReadChunk, ec);
        }
        buffer_.resize(old_size + n);
        if (ec || n == 0) {
            close();
            co_return false;
        }
        if (!deflate_) {
            touch();
            co_return true;
        }
        deflate_->feed(std::string_view(buffer_).substr(old_size));
        buffer_.resize(old_size);
    }
}

asio::awaitable<std::size_t> Connection::read_some(char* data, std::size_t size,
                                                   boost::system::error_code& ec) {
    // Awaited into a variable: gcc 12 miscompiles `co_return co_await`.
    std::size_t n = 0;
    if (tls_) {
        n = co_await tls_->read_some(data, size, ec);
    } else {
        n = co_await socket_.async_read_some(asio::buffer(data, size),
                                             asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return n;
}

void Connection::start_compression() {
    deflate_ = std::make_unique<Deflate>();
    // Whatever the client sent after the command was sent compressed (RFC 4978 §3).
    deflate_->feed(buffered());
    buffer_.clear();
    start_ = 0;
}

void Connection::consume(std::size_t n) {
    start_ = std::min(buffer_.size(), start_ + n);
    if (start_ == buffer_.size()) {
        buffer_.clear();
        if (buffer_.capacity() > kIdleCapacity) {
            buffer_.shrink_to_fit();
        }
        start_ = 0;
    }
}

asio::awaitable<std::optional<Line>> Connection::read_line(std::size_t max_length) {
    std::size_t scanned = 0;
    bool discarding = false;
    for (;;) {
        std::string_view data = buffered();
        std::size_t lf = data.find('\n', scanned);
        if (lf != std::string_view::npos) {
            Line line;
            std::size_t end = lf;
            if (end > 0 && data[end - 1] == '\r') {
                --end;
            } else {
                line.bare_lf = true;
            }
            line.too_long = discarding || end > max_length;
            if (!line.too_long) {
                line.text.assign(data.substr(0, end));
            }
            consume(lf + 1);
            co_return line;
        }
        // A line longer than allowed is dropped as it arrives, so it cannot fill memory.
        if (data.size() > max_length + 1) {
            discarding = true;
            consume(data.size() - 1);  // keep a trailing CR that may pair with the next LF
            data = buffered();
        }
        scanned = data.size();
        // Awaited into a variable, never inside the condition: gcc 12 miscompiles that shape.
        bool more = co_await fill();
        if (!more) {
            co_return std::nullopt;
        }
    }
}

asio::awaitable<void> Connection::write(std::string_view data) {
    touch();
    std::string compressed;
    if (deflate_) {
        compressed = deflate_->compress(data);
        data = compressed;
    }
    if (tls_) {
        co_await tls_->write(data);
    } else {
        co_await asio::async_write(socket_, asio::buffer(data), asio::use_awaitable);
    }
    touch();
}

std::string Connection::tls_version() const {
    return tls_ ? SSL_get_version(tls_->native()) : "";
}

std::string Connection::tls_cipher() const {
    if (!tls_) {
        return "";
    }
    const char* name = SSL_get_cipher_name(tls_->native());
    return name ? name : "";
}

}  // namespace sealbox::net

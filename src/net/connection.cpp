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
// Consumed input is dropped from the front of the buffer once it is this large, so the buffer
// never holds more than one read beyond what the session has not consumed yet.
constexpr std::size_t kCompactAt = 64 * 1024;
// Inflated octets added per fill() at most: enough for any line, and a bound on what a
// compressed "bomb" can make the server hold at once.
constexpr std::size_t kInflateStep = 64 * 1024;

}  // namespace

Connection::Connection(tcp::socket socket, std::chrono::milliseconds idle_timeout)
    : plain_(std::move(socket)), timer_(plain_->get_executor()), idle_timeout_(idle_timeout) {
    boost::system::error_code ec;
    auto remote = plain_->remote_endpoint(ec);
    remote_ip_ = ec ? "?" : remote.address().to_string();
    auto local = plain_->local_endpoint(ec);
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

tcp::socket& Connection::socket() {
    return tls_ ? tls_->next_layer() : *plain_;
}

void Connection::close() {
    if (!open_) {
        return;
    }
    open_ = false;
    timer_.cancel();
    boost::system::error_code ec;
    socket().shutdown(tcp::socket::shutdown_both, ec);
    socket().close(ec);
}

asio::awaitable<bool> Connection::handshake(std::shared_ptr<asio::ssl::context> context) {
    buffer_.clear();
    start_ = 0;
    tls_context_ = std::move(context);
    tls_.emplace(std::move(*plain_), *tls_context_);
    plain_.reset();
    touch();
    boost::system::error_code ec;
    co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                   asio::redirect_error(asio::use_awaitable, ec));
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
        std::size_t old_size = buffer_.size();
        buffer_.resize(old_size + kReadChunk);
        auto space = asio::buffer(buffer_.data() + old_size, kReadChunk);
        boost::system::error_code ec;
        std::size_t n = tls_ ? co_await tls_->async_read_some(
                                   space, asio::redirect_error(asio::use_awaitable, ec))
                             : co_await plain_->async_read_some(
                                   space, asio::redirect_error(asio::use_awaitable, ec));
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
        co_await asio::async_write(*tls_, asio::buffer(data), asio::use_awaitable);
    } else {
        co_await asio::async_write(*plain_, asio::buffer(data), asio::use_awaitable);
    }
    touch();
}

// Asio offers native_handle() on non-const streams only; reading the version changes nothing.
SSL* Connection::native_tls() const {
    return const_cast<asio::ssl::stream<tcp::socket>&>(*tls_).native_handle();
}

std::string Connection::tls_version() const {
    return tls_ ? SSL_get_version(native_tls()) : "";
}

std::string Connection::tls_cipher() const {
    if (!tls_) {
        return "";
    }
    const char* name = SSL_get_cipher_name(native_tls());
    return name ? name : "";
}

}  // namespace sealbox::net

#include "mtasts/server.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <optional>

#include "net/blocking.h"

namespace sealbox::mtasts {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

std::optional<std::string> answer(const ServedPolicy& served, std::string_view method,
                                  std::string_view target, std::string_view host) {
    if (method != "GET" || target != "/.well-known/mta-sts.txt") {
        return std::nullopt;
    }
    // Host may carry a port (RFC 9110 §7.2) and any case.
    std::string name(host.substr(0, host.find(':')));
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    constexpr std::string_view kPrefix = "mta-sts.";
    if (!name.starts_with(kPrefix)) {
        return std::nullopt;
    }
    std::string_view domain = std::string_view(name).substr(kPrefix.size());
    if (domain.empty() || !served.is_ours(domain)) {
        return std::nullopt;
    }
    return to_text(served.policy);
}

struct PolicyServer::Shared {
    Shared(ServedPolicy s, asio::thread_pool& w) : served(std::move(s)), workers(w) {}
    const ServedPolicy served;
    asio::thread_pool& workers;
    std::atomic<int> connections{0};
};

PolicyServer::PolicyServer(asio::io_context& io, asio::thread_pool& workers,
                           const tcp::endpoint& endpoint, TlsSource tls, ServedPolicy served)
    : io_(io),
      acceptor_(io, endpoint),
      tls_(std::move(tls)),
      shared_(std::make_shared<Shared>(std::move(served), workers)) {}

void PolicyServer::start() {
    asio::co_spawn(io_, accept_loop(), asio::detached);
}

void PolicyServer::stop() {
    asio::post(io_, [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
    });
}

unsigned short PolicyServer::port() const {
    return acceptor_.local_endpoint().port();
}

asio::awaitable<void> PolicyServer::accept_loop() {
    for (;;) {
        boost::system::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(
            asio::make_strand(io_), asio::redirect_error(asio::use_awaitable, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
            co_return;
        }
        if (ec) {
            continue;  // the client went away before it was accepted, or out of descriptors
        }
        if (shared_->connections >= shared_->served.max_connections) {
            continue;  // the socket closes as it goes out of scope
        }
        ++shared_->connections;
        auto executor = socket.get_executor();
        asio::co_spawn(executor, serve(std::move(socket), tls_(), shared_),
                       [shared = shared_](std::exception_ptr) { --shared->connections; });
    }
}

asio::awaitable<void> PolicyServer::serve(tcp::socket socket,
                                          std::shared_ptr<asio::ssl::context> tls,
                                          std::shared_ptr<Shared> shared) {
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *tls);
    beast::get_lowest_layer(stream).expires_after(shared->served.timeout);
    boost::system::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return;
    }
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    parser.header_limit(8 * 1024);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return;
    }
    const auto& request = parser.get();
    auto text = co_await net::run_blocking(shared->workers, [&] {
        return answer(shared->served, request.method_string(), request.target(),
                      request[http::field::host]);
    });
    http::response<http::string_body> response{text ? http::status::ok : http::status::not_found,
                                               request.version()};
    response.set(http::field::content_type, "text/plain");
    response.set(http::field::connection, "close");
    response.body() = text.value_or("not found\r\n");
    response.prepare_payload();
    co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
        co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
    }
}

}  // namespace sealbox::mtasts

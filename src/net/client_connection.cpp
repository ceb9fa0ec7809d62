#include "net/client_connection.h"

#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace sealbox::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Replies are short; one read usually holds a whole pipelined batch of them.
constexpr std::size_t kReadChunk = 4096;

// RFC 7672 §3 through OpenSSL's DANE: the context had SSL_CTX_dane_enable() (net/tls.h). False
// when OpenSSL takes none of the records: without one it would fall back to the CA store,
// which is not what the TLSA records asked for.
bool enable_dane(SSL* ssl, const DaneRequirement& dane) {
    // The base domain is also the name a DANE-TA(2) chain's certificate must carry.
    if (SSL_dane_enable(ssl, dane.base_domain.c_str()) <= 0) {
        return false;
    }
    // RFC 7672 §3.1.1: a DANE-EE(3) match authenticates the key; names do not matter.
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    int usable = 0;
    for (const DaneTlsa& r : dane.records) {
        if (SSL_dane_tlsa_add(ssl, r.usage, r.selector, r.matching_type, r.data.data(),
                              r.data.size()) > 0) {
            ++usable;
        }
    }
    return usable > 0;
}

std::string_view usage_name(std::uint8_t usage) {
    switch (usage) {
        case 2:
            return "DANE-TA(2)";
        case 3:
            return "DANE-EE(3)";
        default:
            return "PKIX";
    }
}

}  // namespace

// Ends the operation's timeout when the operation ends, however it ends.
class ClientConnection::Deadline {
  public:
    explicit Deadline(ClientConnection& connection) : connection_(connection) {}
    ~Deadline() {
        ++connection_.generation_;  // a timer that fired but has not run yet is now stale
        connection_.timer_.cancel();
    }
    Deadline(const Deadline&) = delete;
    Deadline& operator=(const Deadline&) = delete;

  private:
    ClientConnection& connection_;
};

std::shared_ptr<ClientConnection> ClientConnection::create(asio::any_io_executor executor) {
    return std::shared_ptr<ClientConnection>(new ClientConnection(std::move(executor)));
}

ClientConnection::ClientConnection(asio::any_io_executor executor)
    : plain_(std::in_place, executor), timer_(executor) {}

ClientConnection::~ClientConnection() = default;

ClientConnection::Deadline ClientConnection::arm(std::chrono::milliseconds timeout) {
    std::uint64_t generation = ++generation_;
    timer_.expires_after(timeout);
    timer_.async_wait([weak = weak_from_this(), generation](const boost::system::error_code& ec) {
        if (ec) {
            return;
        }
        if (auto self = weak.lock()) {
            self->expire(generation);
        }
    });
    return Deadline(*this);
}

void ClientConnection::expire(std::uint64_t generation) {
    if (generation == generation_ && open_) {
        timed_out_ = true;
        close();  // the pending operation completes with an error
    }
}

tcp::socket& ClientConnection::socket() {
    return tls_ ? tls_->next_layer() : *plain_;
}

void ClientConnection::close() {
    if (!open_) {
        return;
    }
    open_ = false;
    timer_.cancel();
    boost::system::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
}

asio::awaitable<bool> ClientConnection::connect(const tcp::endpoint& endpoint,
                                                std::chrono::milliseconds timeout) {
    remote_ = endpoint;
    open_ = true;
    auto deadline = arm(timeout);
    co_await plain_->async_connect(endpoint, asio::redirect_error(asio::use_awaitable, error_));
    if (error_ || !open_) {
        close();
        co_return false;
    }
    co_return true;
}

// A closed connection fails at once, keeping the reason it was closed for.
bool ClientConnection::closed() {
    if (open_) {
        return false;
    }
    if (!error_ && !timed_out_) {
        error_ = asio::error::not_connected;
    }
    return true;
}

asio::awaitable<bool> ClientConnection::fill() {
    std::size_t old_size = buffer_.size();
    buffer_.resize(old_size + kReadChunk);
    auto space = asio::buffer(buffer_.data() + old_size, kReadChunk);
    std::size_t n = 0;
    if (tls_) {
        n = co_await tls_->async_read_some(space,
                                           asio::redirect_error(asio::use_awaitable, error_));
    } else {
        n = co_await plain_->async_read_some(space,
                                             asio::redirect_error(asio::use_awaitable, error_));
    }
    buffer_.resize(old_size + n);
    if (error_ || n == 0 || !open_) {
        close();
        co_return false;
    }
    co_return true;
}

asio::awaitable<std::optional<Line>> ClientConnection::read_line(
    std::size_t max_length, std::chrono::milliseconds timeout) {
    if (closed()) {
        co_return std::nullopt;
    }
    auto deadline = arm(timeout);
    std::size_t scanned = 0;
    for (;;) {
        std::size_t lf = buffer_.find('\n', scanned);
        if (lf != std::string::npos) {
            Line line;
            std::size_t end = lf;
            if (end > 0 && buffer_[end - 1] == '\r') {
                --end;
            } else {
                line.bare_lf = true;
            }
            line.too_long = end > max_length;
            if (!line.too_long) {
                line.text.assign(buffer_, 0, end);
            }
            buffer_.erase(0, lf + 1);
            co_return line;
        }
        // Without its ending, a line of max_length may still be followed by a CR.
        if (buffer_.size() > max_length + 1) {
            co_return Line{"", true, false};
        }
        scanned = buffer_.size();
        bool filled = co_await fill();
        if (!filled) {
            co_return std::nullopt;
        }
    }
}

asio::awaitable<bool> ClientConnection::write(std::string_view data,
                                              std::chrono::milliseconds timeout) {
    if (closed()) {
        co_return false;
    }
    auto deadline = arm(timeout);
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(data),
                                   asio::redirect_error(asio::use_awaitable, error_));
    } else {
        co_await asio::async_write(*plain_, asio::buffer(data),
                                   asio::redirect_error(asio::use_awaitable, error_));
    }
    if (error_ || !open_) {
        close();
        co_return false;
    }
    co_return true;
}

asio::awaitable<bool> ClientConnection::handshake(std::shared_ptr<asio::ssl::context> context,
                                                  const std::string& server_name, TlsVerify verify,
                                                  std::chrono::milliseconds timeout,
                                                  const DaneRequirement* dane) {
    if (closed()) {
        co_return false;
    }
    // RFC 3207 §4.2 (and the client side of CVE-2011-0411): nothing received in the clear
    // counts once TLS is up.
    buffer_.clear();
    tls_context_ = std::move(context);
    tls_.emplace(std::move(*plain_), *tls_context_);
    plain_.reset();
    SSL* native = tls_->native_handle();
    if (!server_name.empty()) {
        boost::system::error_code not_ip;
        asio::ip::make_address(server_name, not_ip);
        X509_VERIFY_PARAM* param = SSL_get0_param(native);
        if (not_ip) {
            SSL_set_tlsext_host_name(native, server_name.c_str());
            // RFC 6125 §6.4.3: a wildcard stands for one whole label.
            X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
            SSL_set1_host(native, server_name.c_str());
        } else {
            X509_VERIFY_PARAM_set1_ip_asc(param, server_name.c_str());
        }
    }
    if (dane && !enable_dane(native, *dane)) {
        close();
        error_ = asio::error::invalid_argument;
        co_return false;
    }
    SSL_set_verify(native, verify == TlsVerify::verify || dane ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                   nullptr);
    auto deadline = arm(timeout);
    co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, error_));
    if (error_ || !open_) {
        close();
        co_return false;
    }
    co_return true;
}

// Asio offers native_handle() on non-const streams only; reading the state changes nothing.
SSL* ClientConnection::ssl() const {
    return const_cast<asio::ssl::stream<tcp::socket>&>(*tls_).native_handle();
}

SSL* ClientConnection::native_tls() {
    return tls_ ? tls_->native_handle() : nullptr;
}

std::string ClientConnection::dane_authority() const {
    if (!tls_) {
        return "";
    }
    std::uint8_t usage = 0, selector = 0, matching_type = 0;
    int depth = SSL_get0_dane_tlsa(ssl(), &usage, &selector, &matching_type, nullptr, nullptr);
    if (depth < 0) {
        return "";
    }
    return std::string(usage_name(usage)) + " " + std::to_string(selector) + " " +
           std::to_string(matching_type) + " at depth " + std::to_string(depth);
}

std::string ClientConnection::tls_version() const {
    return tls_ ? SSL_get_version(ssl()) : "";
}

std::string ClientConnection::tls_cipher() const {
    if (!tls_) {
        return "";
    }
    const char* name = SSL_get_cipher_name(ssl());
    return name ? name : "";
}

bool ClientConnection::certificate_verified() const {
    return tls_ && SSL_get0_peer_certificate(ssl()) != nullptr &&
           SSL_get_verify_result(ssl()) == X509_V_OK;
}

std::string ClientConnection::verification_error() const {
    if (!tls_) {
        return "";
    }
    long result = SSL_get_verify_result(ssl());
    return result == X509_V_OK ? "" : X509_verify_cert_error_string(result);
}

}  // namespace sealbox::net

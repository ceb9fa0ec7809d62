#include "mtasts/fetch.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>

namespace sealbox::mtasts {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr const char* kPath = "/.well-known/mta-sts.txt";  // RFC 8461 §3.2

// One attempt at one address; throws boost::system::system_error or returns the outcome.
asio::awaitable<FetchResult> fetch_from(asio::ip::tcp::endpoint endpoint, const std::string& host,
                                        const FetchOptions& options) {
    beast::ssl_stream<beast::tcp_stream> stream(co_await asio::this_coro::executor, *options.tls);
    SSL* ssl = stream.native_handle();
    SSL_set_tlsext_host_name(ssl, host.c_str());
    // RFC 8461 §3.3: the certificate must be valid for the policy host (RFC 6125; a wildcard
    // stands for one whole label).
    X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl, host.c_str());
    stream.set_verify_mode(asio::ssl::verify_peer);

    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoint, asio::use_awaitable);
    boost::system::error_code ec;
    co_await stream.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        long verify = SSL_get_verify_result(ssl);
        FetchResult failed;
        failed.problem = FetchProblem::unreachable;
        failed.error = "TLS handshake: " + ec.message();
        if (verify != X509_V_OK) {
            failed.problem = FetchProblem::certificate;
            failed.error = std::string("certificate: ") + X509_verify_cert_error_string(verify);
        }
        co_return failed;
    }

    http::request<http::empty_body> request{http::verb::get, kPath, 11};
    request.set(http::field::host, host);
    request.set(http::field::user_agent, "Sealbox");
    request.set(http::field::connection, "close");
    co_await http::async_write(stream, request, asio::use_awaitable);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxPolicyBytes);
    parser.header_limit(16 * 1024);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    beast::get_lowest_layer(stream).close();  // no TLS close_notify wait: the body is complete

    const auto& response = parser.get();
    FetchResult out;
    if (response.result_int() != 200) {
        // RFC 8461 §3.3: redirects are not followed; anything but 200 is no policy.
        out.error = "HTTP status " + std::to_string(response.result_int());
        out.problem = FetchProblem::unreachable;
        co_return out;
    }
    if (!is_text_plain(response[http::field::content_type])) {
        out.error = "Content-Type is not text/plain";
        out.problem = FetchProblem::invalid;
        co_return out;
    }
    auto parsed = parse_policy(response.body());
    if (!parsed.policy) {
        out.error = "invalid policy: " + parsed.error;
        out.problem = FetchProblem::invalid;
        co_return out;
    }
    out.policy = std::move(parsed.policy);
    co_return out;
}

}  // namespace

bool is_text_plain(std::string_view content_type) {
    std::string_view type = content_type.substr(0, content_type.find(';'));
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    constexpr std::string_view kWanted = "text/plain";
    return type.size() == kWanted.size() &&
           std::equal(type.begin(), type.end(), kWanted.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

asio::awaitable<FetchResult> fetch_policy(dns::Resolver& resolver, std::string domain,
                                          const FetchOptions& options) {
    const std::string host = "mta-sts." + domain;
    auto addresses = co_await resolver.addresses(host);
    FetchResult out;
    out.problem = FetchProblem::unreachable;
    if (addresses.status != dns::Status::ok) {
        out.error = host + ": " + addresses.detail;
        co_return out;
    }
    for (const auto& address : addresses.records) {
        try {
            co_return co_await fetch_from({address, static_cast<std::uint16_t>(options.port)}, host,
                                          options);
        } catch (const boost::system::system_error& e) {
            out.error = host + " [" + address.to_string() + "]: " + e.code().message();
        }
    }
    co_return out;
}

}  // namespace sealbox::mtasts

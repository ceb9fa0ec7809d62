#include "reports/https_post.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <vector>

namespace sealbox::reports {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// The answer to a report is read only to see its status.
constexpr std::size_t kMaxResponseBody = 64 * 1024;

asio::awaitable<unsigned> post_to(asio::ip::tcp::endpoint endpoint, const HttpsUrl& url,
                                  const std::string& body, const PostOptions& options) {
    beast::ssl_stream<beast::tcp_stream> stream(co_await asio::this_coro::executor, *options.tls);
    SSL* ssl = stream.native_handle();
    boost::system::error_code ec;
    asio::ip::make_address(url.host, ec);
    const bool literal = !ec;
    if (!literal) {
        SSL_set_tlsext_host_name(ssl, url.host.c_str());
    }
    // RFC 8460 §5.4 uses HTTPS as RFC 2818 does: the certificate names the host (RFC 6125).
    X509_VERIFY_PARAM_set_hostflags(SSL_get0_param(ssl), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (literal) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
    } else {
        SSL_set1_host(ssl, url.host.c_str());
    }
    stream.set_verify_mode(asio::ssl::verify_peer);

    beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoint, asio::use_awaitable);
    co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);

    http::request<http::string_body> request{http::verb::post, url.target, 11};
    request.set(http::field::host,
                url.port == 443 ? url.host : url.host + ":" + std::to_string(url.port));
    request.set(http::field::user_agent, "Sealbox");
    request.set(http::field::content_type, "application/tlsrpt+gzip");
    request.set(http::field::connection, "close");
    request.body() = body;
    request.prepare_payload();
    co_await http::async_write(stream, request, asio::use_awaitable);

    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    parser.header_limit(16 * 1024);
    co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
    beast::get_lowest_layer(stream).close();
    co_return parser.get().result_int();
}

bool is_host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::optional<HttpsUrl> parse_https_url(std::string_view url) {
    constexpr std::string_view kScheme = "https://";
    if (url.size() <= kScheme.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(url[i])) != kScheme[i]) {
            return std::nullopt;
        }
    }
    url.remove_prefix(kScheme.size());
    if (url.find('#') != std::string_view::npos) {
        return std::nullopt;
    }
    auto slash = url.find_first_of("/?");
    std::string_view authority = url.substr(0, slash);
    HttpsUrl out;
    if (slash != std::string_view::npos) {
        out.target = url.substr(slash);
        if (out.target.front() == '?') {
            out.target.insert(0, "/");
        }
    }
    std::string_view port;
    if (authority.starts_with('[')) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        out.host = authority.substr(1, close - 1);
        boost::system::error_code ec;
        asio::ip::make_address_v6(out.host, ec);
        if (ec) {
            return std::nullopt;
        }
        authority.remove_prefix(close + 1);
        if (!authority.empty() && !authority.starts_with(':')) {
            return std::nullopt;
        }
        port = authority.empty() ? "" : authority.substr(1);
    } else {
        auto colon = authority.find(':');
        out.host = authority.substr(0, colon);
        port = colon == std::string_view::npos ? "" : authority.substr(colon + 1);
        if (out.host.empty()) {
            return std::nullopt;
        }
        for (char c : out.host) {
            if (!is_host_char(c)) {
                return std::nullopt;  // userinfo ("@"), or no host name
            }
        }
    }
    if (!port.empty()) {
        unsigned value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || value > 65535) {
                return std::nullopt;
            }
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 65535) {
            return std::nullopt;
        }
        out.port = static_cast<std::uint16_t>(value);
    }
    for (char c : out.target) {
        if (c <= 0x20 || c >= 0x7f) {
            return std::nullopt;
        }
    }
    return out;
}

asio::awaitable<std::string> post_report(mailauth::DnsLookup& dns, std::string url,
                                         std::string body, const PostOptions& options) {
    auto parsed = parse_https_url(url);
    if (!parsed) {
        co_return "not an https URL";
    }
    std::vector<asio::ip::address> addresses;
    boost::system::error_code ec;
    auto literal = asio::ip::make_address(parsed->host, ec);
    if (!ec) {
        addresses.push_back(literal);
    } else {
        auto v6 = co_await dns.aaaa(parsed->host);
        auto v4 = co_await dns.a(parsed->host);
        for (const auto* answer : {&v6, &v4}) {
            addresses.insert(addresses.end(), answer->records.begin(), answer->records.end());
        }
    }
    if (addresses.empty()) {
        co_return parsed->host + ": no address";
    }
    std::string error;
    for (const auto& address : addresses) {
        try {
            asio::ip::tcp::endpoint endpoint(address, parsed->port);
            unsigned status = co_await post_to(endpoint, *parsed, body, options);
            if (status >= 200 && status < 300) {
                co_return std::string();
            }
            // An answer, though not the one hoped for: another address will say the same.
            co_return "HTTP status " + std::to_string(status);
        } catch (const boost::system::system_error& e) {
            error = parsed->host + " [" + address.to_string() + "]: " + e.code().message();
        }
    }
    co_return error;
}

}  // namespace sealbox::reports

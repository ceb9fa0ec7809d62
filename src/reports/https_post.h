#pragma once
// Delivery of a TLS report over HTTPS (RFC 8460 §5.4): a POST of the gzipped report as
// application/tlsrpt+gzip to the rua URL, the server's certificate verified for its host name,
// any 2xx answer a success; redirects are not followed.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mailauth/dns_lookup.h"

namespace sealbox::reports {

struct HttpsUrl {
    std::string host;  // a name, or an IP literal without brackets
    std::uint16_t port = 443;
    std::string target = "/";  // path and query

    bool operator==(const HttpsUrl&) const = default;
};

// RFC 3986 §3 for the https: scheme only; userinfo and fragments are refused.
std::optional<HttpsUrl> parse_https_url(std::string_view url);

struct PostOptions {
    // Verifying client context: net::make_client_tls_context(ca_file).
    std::shared_ptr<boost::asio::ssl::context> tls;
    std::chrono::milliseconds timeout = std::chrono::seconds(60);
};

// Empty on success, else why not (for logs).
boost::asio::awaitable<std::string> post_report(mailauth::DnsLookup& dns, std::string url,
                                                std::string body, const PostOptions& options);

}  // namespace sealbox::reports

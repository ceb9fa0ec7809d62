#pragma once
// Sealbox's own MTA-STS policy over HTTPS (RFC 8461 §3.2, §3.3): GET
// /.well-known/mta-sts.txt with Host mta-sts.<one of our domains> answers the policy as
// text/plain; anything else is 404. One request per connection, each with a deadline.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "mtasts/policy.h"

namespace sealbox::mtasts {

struct ServedPolicy {
    Policy policy;
    // Whether Host mta-sts.<domain> gets the policy: `domain` (lowercase) is one of ours.
    // Blocking allowed (the directory is SQLite): it runs on the worker pool.
    std::function<bool(std::string_view domain)> is_ours;
    std::chrono::milliseconds timeout = std::chrono::seconds(10);  // per connection
    int max_connections = 100;  // at once; more are closed at once
};

// The TLS context for each new connection (reloadable: net::TlsContextProvider::current).
using TlsSource = std::function<std::shared_ptr<boost::asio::ssl::context>()>;

class PolicyServer {
  public:
    // Binds at once (throws boost::system::system_error when it cannot); serves after start().
    PolicyServer(boost::asio::io_context& io, boost::asio::thread_pool& workers,
                 const boost::asio::ip::tcp::endpoint& endpoint, TlsSource tls,
                 ServedPolicy served);
    void start();
    void stop();
    unsigned short port() const;

  private:
    struct Shared;
    boost::asio::awaitable<void> accept_loop();
    static boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket,
                                              std::shared_ptr<boost::asio::ssl::context> tls,
                                              std::shared_ptr<Shared> shared);

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    TlsSource tls_;
    std::shared_ptr<Shared> shared_;  // with the connections, which may outlive the server
};

// The answer for a request, by its method, target and Host header: the policy text, or
// nullopt for 404. Calls served.is_ours.
std::optional<std::string> answer(const ServedPolicy& served, std::string_view method,
                                  std::string_view target, std::string_view host);

}  // namespace sealbox::mtasts

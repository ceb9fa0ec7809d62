#include "server/mta_sts_listener.h"

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"

namespace sealbox::server {

std::unique_ptr<mtasts::PolicyServer> mta_sts_server(boost::asio::io_context& io,
                                                     boost::asio::thread_pool& workers,
                                                     const Config& config,
                                                     const ListenerConfig& listener,
                                                     std::shared_ptr<net::TlsContextProvider> tls,
                                                     store::MailStore& store) {
    const auto& c = config.mta_sts;
    mtasts::Policy policy;
    policy.mode = c.mode == "enforce"   ? mtasts::Mode::enforce
                  : c.mode == "testing" ? mtasts::Mode::testing
                                        : mtasts::Mode::none;
    policy.max_age = std::chrono::duration_cast<std::chrono::seconds>(c.max_age).count();
    policy.mx = c.mx.empty() ? std::vector<std::string>{config.server.hostname} : c.mx;
    // What senders will parse, parsed here first.
    auto parsed = mtasts::parse_policy(mtasts::to_text(policy));
    if (!parsed.policy) {
        throw Error(ErrorCode::config, "mta_sts: the policy would be invalid: " + parsed.error);
    }
    mtasts::ServedPolicy served{std::move(*parsed.policy),
                                [&store](std::string_view domain) {
                                    return store.directory().find_domain(domain).has_value();
                                },
                                std::chrono::seconds(10), listener.max_connections};
    boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(listener.address),
                                            static_cast<unsigned short>(listener.port));
    return std::make_unique<mtasts::PolicyServer>(
        io, workers, endpoint, [tls] { return tls->current(); }, std::move(served));
}

}  // namespace sealbox::server

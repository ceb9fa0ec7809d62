#pragma once
// The `https` listener: Sealbox's own MTA-STS policy (RFC 8461 §3.2, `[mta_sts]` in the
// configuration) for every domain the directory holds, under the server's certificate.

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "core/config.h"
#include "mtasts/server.h"
#include "net/tls.h"
#include "store/mail_store.h"

namespace sealbox::server {

// Bound, not started. Throws Error(config) for a policy senders would refuse.
std::unique_ptr<mtasts::PolicyServer> mta_sts_server(boost::asio::io_context& io,
                                                     boost::asio::thread_pool& workers,
                                                     const Config& config,
                                                     const ListenerConfig& listener,
                                                     std::shared_ptr<net::TlsContextProvider> tls,
                                                     store::MailStore& store);

}  // namespace sealbox::server

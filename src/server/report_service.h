#pragma once
// The daily aggregate reports in the running server: DMARC (RFC 7489 §7.2) and TLS-RPT (RFC
// 8460). Outcomes of outbound connections are recorded through tls_outcome_sink(); inbound
// SMTP records DMARC results itself (ReportStore::record_dmarc, on the worker pool). The
// service runs once at start-up (days that ended while the server was down) and then every
// hour, the first run after each UTC midnight sending the day that ended; a run that finds
// nothing to send costs two small queries.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "mailauth/dkim_keys/key_store.h"
#include "mailauth/dns_lookup.h"
#include "queue/tls_outcome.h"
#include "reports/daily_reports.h"
#include "reports/report_store.h"

namespace sealbox::server {

struct ReportServiceOptions {
    std::function<std::int64_t()> clock;  // unix seconds; empty: the system clock
    // Whether a domain is one of the server's (the directory's); called on the worker pool.
    std::function<bool(std::string_view domain)> is_local_domain;
    // RFC 8460 §5.4 POSTs; empty: HTTPS verified against the system CA store.
    std::function<boost::asio::awaitable<std::string>(std::string url, std::string body)> post;
};

class ReportService {
  public:
    // `send` queues one report message (QueueStore::enqueue, then wake the delivery agent); it
    // is called on the worker pool. `keys` may be null: reports then go unsigned.
    ReportService(boost::asio::io_context& io, boost::asio::thread_pool& workers,
                  const Config& config, reports::ReportStore& store, mailauth::DnsLookup& dns,
                  mailauth::dkim_keys::KeyStore* keys,
                  std::function<void(const reports::OutgoingReport&)> send,
                  ReportServiceOptions options = {});

    void start();
    void stop();

  private:
    boost::asio::awaitable<void> loop();

    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::steady_timer timer_;
    reports::ReportIdentity identity_;
    std::function<std::int64_t()> clock_;
    mailauth::DnsLookup& dns_;
    reports::ReportDependencies deps_;
    bool stopped_ = false;
};

// AgentOptions::tls_outcomes: each outcome is recorded on the worker pool (the delivery agent
// calls it on its strand, where nothing may block). Failures to record are logged and dropped.
queue::TlsOutcomeSink tls_outcome_sink(boost::asio::thread_pool& workers,
                                       reports::ReportStore& store);

}  // namespace sealbox::server

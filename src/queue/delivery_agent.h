#pragma once
// Sends what the outbound queue holds: finds each destination's mail servers (or the smart
// host), hands the messages over with the SMTP client, reusing one connection for several
// messages to one destination, and records each recipient's fate: delivered, deferred (tried
// again later, RFC 5321 §4.5.4.1) or failed, with a delivery report to the sender's mailbox.
//
// A scheduler coroutine on its own strand picks due messages and starts one task per
// destination domain and connection, within queue.max_connections and
// queue.max_connections_per_domain; every queue access runs on the worker pool.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "queue/outcome.h"
#include "queue/queue_store.h"
#include "queue/retry_policy.h"
#include "queue/tls_outcome.h"
#include "smtp/client/options.h"

namespace sealbox::dns {
class Resolver;
}
namespace sealbox::mtasts {
class PolicySource;
}

namespace sealbox::queue {

struct SmartHost {
    std::string host;
    int port = 587;
    std::optional<smtp::client::Credentials> auth;
};

struct AgentOptions {
    std::string hostname;  // for EHLO and the reports
    RetryPolicy retry;
    int max_connections = 20;
    int max_connections_per_domain = 4;
    int remote_port = 25;
    bool require_tls = false;
    bool dane = true;  // RFC 7672: MX hosts with validated TLSA records must match them
    smtp::client::Timeouts timeouts;
    std::optional<SmartHost> relay;
    std::chrono::milliseconds poll = std::chrono::seconds(30);  // the longest it sleeps
    std::shared_ptr<boost::asio::ssl::context> tls_context;
    TlsOutcomeSink tls_outcomes;  // optional: every TLS outcome, for TLS reporting
    // RFC 8461 MTA-STS policies of recipient domains; null: MTA-STS is not applied.
    std::shared_ptr<mtasts::PolicySource> mta_sts;
};

// Delivers a report (a complete message) to a local account; blocking, called on the worker
// pool. Throws when it cannot, and the report is tried again with the next attempt.
using ReportSink = std::function<void(const std::string& account, const std::string& message)>;

class DeliveryAgent {
  public:
    DeliveryAgent(boost::asio::io_context& io, boost::asio::thread_pool& workers, QueueStore& queue,
                  dns::Resolver& resolver, ReportSink reports, AgentOptions options);

    void start();
    // Something was queued: look now rather than at the next poll. Thread-safe.
    void wake();
    void stop();

  private:
    struct Job {
        Message message;  // with the recipients this job is for
    };
    boost::asio::awaitable<void> schedule();
    void dispatch(std::vector<Message> due, std::int64_t now);
    // domain_delivery.cpp
    boost::asio::awaitable<void> deliver(std::string domain, std::vector<Job> jobs);
    boost::asio::awaitable<void> record(const Message& message,
                                        const std::vector<Attempt>& attempts,
                                        const std::string& content);
    void finished(const std::string& domain, const std::vector<Job>& jobs);

    boost::asio::io_context& io_;
    boost::asio::thread_pool& workers_;
    QueueStore& queue_;
    dns::Resolver& resolver_;
    ReportSink reports_;
    AgentOptions options_;
    boost::asio::strand<boost::asio::io_context::executor_type> strand_;
    boost::asio::steady_timer timer_;
    bool woken_ = false;     // on strand_
    bool stopping_ = false;  // on strand_

    std::mutex mutex_;  // the rest is shared with the delivery tasks
    std::set<std::pair<std::int64_t, std::string>> in_flight_;  // (message, domain)
    std::map<std::string, int, std::less<>> per_domain_;
    int connections_ = 0;
};

}  // namespace sealbox::queue

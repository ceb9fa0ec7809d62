#include "server/report_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "net/tls.h"
#include "reports/https_post.h"

namespace sealbox::server {
namespace asio = boost::asio;

namespace {

// Runs come this often, so a day whose DNS failed is tried again soon.
constexpr std::int64_t kRunInterval = 3600;
// The first run of a day waits a little past midnight, for clocks that run slightly behind.
constexpr std::int64_t kAfterMidnight = 300;

// Seconds from `now` to the next run.
std::int64_t until_next_run(std::int64_t now) {
    const std::int64_t next_midnight = (reports::day_number(now) + 1) * reports::kDay;
    return std::clamp<std::int64_t>(next_midnight + kAfterMidnight - now, 1, kRunInterval);
}

}  // namespace

ReportService::ReportService(asio::io_context& io, asio::thread_pool& workers, const Config& config,
                             reports::ReportStore& store, mailauth::DnsLookup& dns,
                             mailauth::dkim_keys::KeyStore* keys,
                             std::function<void(const reports::OutgoingReport&)> send,
                             ReportServiceOptions options)
    : strand_(asio::make_strand(io)),
      timer_(strand_),
      identity_(reports::report_identity(config)),
      clock_(options.clock ? std::move(options.clock)
                           : [] { return static_cast<std::int64_t>(std::time(nullptr)); }),
      dns_(dns),
      deps_{workers,
            store,
            dns,
            mailauth::dmarc::PublicSuffixList::system(),
            keys,
            std::move(send),
            std::move(options.post),
            std::move(options.is_local_domain)} {
    if (!deps_.post) {
        reports::PostOptions post{net::make_client_tls_context(), std::chrono::seconds(60)};
        deps_.post = [this, post](std::string url, std::string body) {
            return reports::post_report(dns_, std::move(url), std::move(body), post);
        };
    }
}

void ReportService::start() {
    if (!identity_.dmarc && !identity_.tls) {
        return;
    }
    asio::co_spawn(strand_, loop(), [](std::exception_ptr error) {
        if (error) {
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                spdlog::error("aggregate reports stopped: {}", e.what());
            }
        }
    });
}

void ReportService::stop() {
    asio::post(strand_, [this] {
        stopped_ = true;
        timer_.cancel();
    });
}

asio::awaitable<void> ReportService::loop() {
    while (!stopped_) {
        try {
            co_await reports::send_due_reports(deps_, identity_, clock_());
        } catch (const std::exception& e) {
            spdlog::warn("aggregate reports: {}", e.what());
        }
        if (stopped_) {
            break;
        }
        timer_.expires_after(std::chrono::seconds(until_next_run(clock_())));
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

queue::TlsOutcomeSink tls_outcome_sink(asio::thread_pool& workers, reports::ReportStore& store) {
    return [&workers, &store](const queue::TlsOutcome& outcome) {
        asio::post(workers, [&store, outcome] {
            try {
                store.record_tls(outcome);
            } catch (const std::exception& e) {
                spdlog::warn("tls outcome for {} not recorded: {}", outcome.domain, e.what());
            }
        });
    };
}

}  // namespace sealbox::server

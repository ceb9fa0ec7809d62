#include "queue/delivery_agent.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <ctime>

#include "core/address.h"
#include "net/blocking.h"

namespace sealbox::queue {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kDueBatch = 500;

// Destinations are grouped by domain, compared without regard to ASCII case (RFC 5321 §2.4).
std::string domain_of(const std::string& address) {
    auto at = address.rfind('@');
    std::string domain = at == std::string::npos ? std::string() : address.substr(at + 1);
    std::transform(domain.begin(), domain.end(), domain.begin(), [](unsigned char c) {
        return c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c);
    });
    return domain;
}

}  // namespace

DeliveryAgent::DeliveryAgent(asio::io_context& io, asio::thread_pool& workers, QueueStore& queue,
                             dns::Resolver& resolver, ReportSink reports, AgentOptions options)
    : io_(io),
      workers_(workers),
      queue_(queue),
      resolver_(resolver),
      reports_(std::move(reports)),
      options_(std::move(options)),
      strand_(asio::make_strand(io)),
      timer_(strand_) {}

void DeliveryAgent::start() {
    asio::co_spawn(strand_, schedule(), asio::detached);
}

void DeliveryAgent::wake() {
    asio::post(strand_, [this] {
        woken_ = true;
        timer_.cancel();
    });
}

void DeliveryAgent::stop() {
    asio::post(strand_, [this] {
        stopping_ = true;
        timer_.cancel();
    });
}

asio::awaitable<void> DeliveryAgent::schedule() {
    while (!stopping_) {
        woken_ = false;
        const std::int64_t now = std::time(nullptr);
        std::optional<std::int64_t> next;
        try {
            auto due =
                co_await net::run_blocking(workers_, [&] { return queue_.due(now, kDueBatch); });
            dispatch(std::move(due), now);
            next = co_await net::run_blocking(workers_, [&] { return queue_.next_due(); });
        } catch (const std::exception& e) {
            spdlog::error("outbound queue: {}", e.what());
        }
        if (woken_ || stopping_) {
            continue;
        }
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(options_.poll);
        if (next && *next > now) {
            wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(*next - now));
        }
        timer_.expires_after(wait);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void DeliveryAgent::dispatch(std::vector<Message> due, std::int64_t now) {
    std::map<std::string, std::vector<Job>> by_domain;
    std::lock_guard lock(mutex_);
    for (auto& message : due) {
        std::map<std::string, Job> jobs;
        for (const auto& r : message.recipients) {
            if (r.state != RecipientState::queued || r.next_attempt > now) {
                continue;
            }
            std::string domain = domain_of(r.address);
            if (in_flight_.contains({message.id, domain})) {
                continue;
            }
            auto [it, fresh] = jobs.try_emplace(domain);
            if (fresh) {
                it->second.message.id = message.id;
                it->second.message.envelope = message.envelope;
                it->second.message.created = message.created;
                it->second.message.size = message.size;
            }
            it->second.message.recipients.push_back(r);
        }
        for (auto& [domain, job] : jobs) {
            by_domain[domain].push_back(std::move(job));
        }
    }
    for (auto& [name, jobs] : by_domain) {
        const std::string domain = name;  // a copy: lambdas cannot capture structured bindings
        int& active = per_domain_[domain];
        int slots = std::min(options_.max_connections_per_domain - active,
                             options_.max_connections - connections_);
        slots = std::min<int>(slots, static_cast<int>(jobs.size()));
        if (slots <= 0) {
            continue;  // picked up when a running task finishes
        }
        // Round-robin, so that each connection carries several messages when there are many.
        std::vector<std::vector<Job>> tasks(static_cast<std::size_t>(slots));
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            in_flight_.insert({jobs[i].message.id, domain});
            tasks[i % tasks.size()].push_back(std::move(jobs[i]));
        }
        active += slots;
        connections_ += slots;
        for (auto& task : tasks) {
            asio::co_spawn(asio::make_strand(io_), deliver(domain, std::move(task)),
                           [domain](std::exception_ptr e) {
                               if (e) {  // deliver() catches what it expects; this is a bug
                                   try {
                                       std::rethrow_exception(e);
                                   } catch (const std::exception& x) {
                                       spdlog::critical("delivery to {}: {}", domain, x.what());
                                   }
                               }
                           });
        }
    }
}

void DeliveryAgent::finished(const std::string& domain, const std::vector<Job>& jobs) {
    {
        std::lock_guard lock(mutex_);
        for (const auto& job : jobs) {
            in_flight_.erase({job.message.id, domain});
        }
        if (--per_domain_[domain] <= 0) {
            per_domain_.erase(domain);
        }
        --connections_;
    }
    wake();  // what waited for a free connection may go now
}

}  // namespace sealbox::queue

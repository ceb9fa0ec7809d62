#pragma once
// The delivery agent for real, against local servers: one message queued, the agent run with
// the real resolver until that message was delivered or deferred, the TLS outcomes collected.

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "crypto/secret.h"
#include "dns/resolver.h"
#include "queue/delivery_agent.h"
#include "support/temp_dir.h"

namespace sealbox::queue::testing {

namespace asio = boost::asio;
using namespace std::chrono_literals;

class AgentTest : public ::testing::Test {
  protected:
    // Options that fail within seconds when something goes wrong, and collect TLS outcomes.
    AgentOptions options(int port) {
        AgentOptions o;
        o.hostname = "client.example.org";
        o.remote_port = port;
        for (auto* t : {&o.timeouts.connect, &o.timeouts.greeting, &o.timeouts.mail,
                        &o.timeouts.rcpt, &o.timeouts.data_init, &o.timeouts.data_block,
                        &o.timeouts.data_end, &o.timeouts.command, &o.timeouts.quit}) {
            *t = 5s;
        }
        o.tls_outcomes = [this](const TlsOutcome& outcome) { outcomes.push_back(outcome); };
        return o;
    }

    dns::Resolver& start_resolver(const DnsConfig& config) {
        resolver.emplace(io.get_executor(), config);
        return *resolver;
    }

    // Queues one message to `recipient`, runs the agent until it was delivered or deferred, and
    // returns the recipient's last reply ("" when delivered).
    std::string deliver(const std::string& recipient, AgentOptions o) {
        QueueStore queue(dir / "queue.db", crypto::SecretBytes::random(32));
        Envelope envelope;
        envelope.queue_id = "Q1";
        envelope.sender = "alice@example.test";
        Recipient r;
        r.address = recipient;
        queue.enqueue(envelope, {r}, "Subject: hi\r\n\r\nhello\r\n", std::time(nullptr));

        DeliveryAgent agent(
            io, workers, queue, *resolver, [](auto&, auto&) {}, std::move(o));
        agent.start();
        std::string reply = "(no attempt)";
        for (auto deadline = std::chrono::steady_clock::now() + 20s;
             std::chrono::steady_clock::now() < deadline;) {
            io.run_for(50ms);
            // Delivered: recorded, then forgotten (in two steps, either may be seen here).
            auto m = queue.find("Q1");
            if (!m || m->recipients.at(0).state == RecipientState::delivered) {
                reply.clear();
                break;
            }
            if (m->recipients[0].attempts > 0) {
                reply = m->recipients[0].last_reply;
                break;
            }
        }
        agent.stop();
        io.run_for(200ms);
        return reply;
    }

    sealbox::testing::TempDir dir;
    asio::io_context io;
    asio::thread_pool workers{2};
    std::optional<dns::Resolver> resolver;  // destroyed before io
    std::vector<TlsOutcome> outcomes;
};

}  // namespace sealbox::queue::testing

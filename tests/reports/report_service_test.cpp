#include "server/report_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <chrono>
#include <mutex>
#include <thread>

#include "mailauth/dmarc/record.h"
#include "mailauth/fake_dns.h"
#include "reports/report_testing.h"
#include "support/temp_dir.h"

namespace sealbox::server {
namespace {

namespace dmarc = mailauth::dmarc;
namespace asio = boost::asio;

constexpr std::int64_t kDay0 = 1775001600;              // 2026-04-01T00:00:00Z
constexpr std::int64_t kNextDay = kDay0 + 86400 + 600;  // 00:10 the day after

crypto::SecretBytes key_of(std::uint8_t fill) {
    crypto::SecretBytes key(32);
    for (auto& b : key.mutable_bytes()) {
        b = fill;
    }
    return key;
}

reports::DmarcObservation observation(const std::string& domain, const std::string& rua) {
    reports::DmarcObservation o;
    o.time = kDay0 + 3600;
    o.policy = {domain, *dmarc::parse_record("v=DMARC1; p=quarantine; rua=" + rua)};
    o.row.source_ip = "203.0.113.5";
    o.row.disposition = dmarc::Policy::quarantine;
    o.row.header_from = domain;
    o.row.spf = {dmarc::AuthResult::fail, domain};
    return o;
}

class ReportServiceTest : public ::testing::Test {
  protected:
    ReportServiceTest() {
        config.server.hostname = "mx.sealbox.example";
        dns.add_txt("_smtp._tls.example.net",
                    "v=TLSRPTv1; rua=mailto:tls@example.net,https://r.example.net/tlsrpt");
        keys.generate("mx.sealbox.example", kDay0);
        // example.org lets own.example receive its reports: only the loop rule stops them.
        dns.add_txt("example.org._report._dmarc.own.example", "v=DMARC1");
    }

    // Runs a service until it has queued `expected` messages (or a few seconds passed).
    void run_service(std::size_t expected) {
        asio::io_context io;
        ReportServiceOptions options;
        options.clock = [] { return kNextDay; };
        options.is_local_domain = [](std::string_view d) { return d == "own.example"; };
        options.post = [this](std::string url, std::string body) -> asio::awaitable<std::string> {
            std::lock_guard lock(mutex);
            posts.emplace_back(std::move(url), std::move(body));
            co_return std::string();
        };
        ReportService service(
            io, workers, config, store, dns, &keys,
            [this](const reports::OutgoingReport& report) {
                std::lock_guard lock(mutex);
                sent.push_back(report);
            },
            options);
        service.start();
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(expected ? 10 : 3);
        while (std::chrono::steady_clock::now() < deadline) {
            io.run_for(std::chrono::milliseconds(50));
            std::lock_guard lock(mutex);
            if (sent.size() >= expected && expected > 0) {
                break;
            }
        }
        service.stop();
        io.restart();
        io.run_for(std::chrono::seconds(2));
    }

    Config config = default_config();
    sealbox::testing::TempDir dir;
    reports::ReportStore store{dir / "reports.db", key_of(3)};
    mailauth::dkim_keys::KeyStore keys{dir / "dkim.db", key_of(4)};
    mailauth::testing::FakeDns dns;
    asio::thread_pool workers{2};
    std::mutex mutex;
    std::vector<reports::OutgoingReport> sent;
    std::vector<std::pair<std::string, std::string>> posts;
};

TEST_F(ReportServiceTest, SendsYesterdaysReportsOnceSignedAndNeverToItself) {
    store.record_dmarc(observation("example.com", "mailto:dmarc@example.com"));
    store.record_dmarc(observation("example.com", "mailto:dmarc@example.com"));
    store.record_dmarc(observation("own.example", "mailto:dmarc@own.example"));  // our domain
    store.record_dmarc(observation("example.org", "mailto:dmarc@own.example"));  // rua at ours
    queue::TlsOutcome outcome;
    outcome.domain = "example.net";
    outcome.mx_host = "mx.example.net";
    outcome.address = "192.0.2.25";
    outcome.tls = true;
    outcome.time = kDay0 + 100;
    store.record_tls(outcome);
    outcome.domain = "no-tlsrpt.example";  // publishes no _smtp._tls record
    store.record_tls(outcome);

    run_service(2);
    ASSERT_EQ(sent.size(), 2u);
    const auto& dmarc_mail = sent[0];
    EXPECT_EQ(dmarc_mail.sender, "postmaster@mx.sealbox.example");
    EXPECT_TRUE(dmarc_mail.queue_id.starts_with("rpt"));
    EXPECT_NE(dmarc_mail.queue_id, sent[1].queue_id);
    EXPECT_EQ(dmarc_mail.recipients, std::vector<std::string>{"dmarc@example.com"});
    EXPECT_TRUE(dmarc_mail.content.starts_with("DKIM-Signature:"));
    EXPECT_NE(dmarc_mail.content.find("d=mx.sealbox.example"), std::string::npos);
    reports::testing::ParsedMessage m;
    reports::testing::parse_message(dmarc_mail.content, m);
    ASSERT_TRUE(m.ok);
    ASSERT_EQ(m.parts.size(), 2u);
    std::string xml = reports::testing::gunzip(m.parts[1].content);
    EXPECT_NE(xml.find("<domain>example.com</domain>"), std::string::npos);
    EXPECT_NE(xml.find("<count>2</count>"), std::string::npos);
    EXPECT_NE(xml.find("<begin>1775001600</begin>"), std::string::npos);

    const auto& tls_mail = sent[1];
    EXPECT_EQ(tls_mail.recipients, std::vector<std::string>{"tls@example.net"});
    reports::testing::ParsedMessage t;
    reports::testing::parse_message(tls_mail.content, t);
    ASSERT_TRUE(t.ok);
    EXPECT_EQ(t.report_type, "tlsrpt");
    ASSERT_EQ(t.parts.size(), 2u);
    auto report = boost::json::parse(reports::testing::gunzip(t.parts[1].content)).as_object();
    EXPECT_EQ(
        report.at("policies").as_array()[0].at("summary").at("total-successful-session-count"), 1);
    ASSERT_EQ(posts.size(), 1u);
    EXPECT_EQ(posts[0].first, "https://r.example.net/tlsrpt");
    EXPECT_EQ(reports::testing::gunzip(posts[0].second),
              reports::testing::gunzip(t.parts[1].content));

    // A restart the same day finds nothing left to send.
    sent.clear();
    posts.clear();
    run_service(0);
    EXPECT_TRUE(sent.empty());
    EXPECT_TRUE(posts.empty());
}

TEST_F(ReportServiceTest, KeepsADayWhoseDnsFailedForTheNextRun) {
    dns.add_timeout("_smtp._tls.slow.example");
    queue::TlsOutcome outcome;
    outcome.domain = "slow.example";
    outcome.tls = true;
    outcome.time = kDay0 + 100;
    store.record_tls(outcome);
    run_service(0);
    EXPECT_TRUE(sent.empty());
    EXPECT_EQ(store.pending_tls(reports::day_number(kNextDay)).size(), 1u);
}

TEST(TlsOutcomeSink, RecordsOnTheWorkerPool) {
    sealbox::testing::TempDir dir;
    reports::ReportStore store(dir / "reports.db", key_of(5));
    {
        asio::thread_pool workers(1);
        auto sink = tls_outcome_sink(workers, store);
        queue::TlsOutcome outcome;
        outcome.domain = "example.net";
        outcome.time = kDay0;
        sink(outcome);
        workers.join();
    }
    EXPECT_EQ(store.pending_tls(reports::day_number(kNextDay)).size(), 1u);
}

}  // namespace
}  // namespace sealbox::server

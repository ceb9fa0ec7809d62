// MTA-STS end to end (RFC 8461): the delivery agent finds the recipient domain's TXT record,
// fetches its policy from a local HTTPS policy server (a test CA), keeps it in the cache, and
// delivers to a scripted SMTP sink only as the policy allows.

#include <gtest/gtest.h>

#include <filesystem>

#include "dns/dns_fixture.h"
#include "mtasts/cache.h"
#include "mtasts/server.h"
#include "mtasts/source.h"
#include "net/tls.h"
#include "queue/agent_fixture.h"
#include "server/self_signed_cert.h"
#include "smtp/client/fake_server.h"

namespace sealbox::queue {
namespace {

namespace asio = boost::asio;
using smtp::client::test::data;
using smtp::client::test::expect;
using smtp::client::test::FakeServer;
using smtp::client::test::send;
using smtp::client::test::starttls;
using smtp::client::test::Step;
using namespace std::chrono_literals;

constexpr const char* kEhlo = "EHLO client.example.org";

std::vector<Step> tls_delivery() {
    return {send("220 mx.sts.test ESMTP\r\n"),
            expect(kEhlo),
            send("250-mx.sts.test\r\n250 STARTTLS\r\n"),
            expect("STARTTLS"),
            send("220 Ready\r\n"),
            starttls(),
            expect(kEhlo),
            send("250 mx.sts.test\r\n"),
            expect("MAIL FROM:<alice@example.test>"),
            send("250 OK\r\n"),
            expect("RCPT TO:<bob@sts.test>"),
            send("250 OK\r\n"),
            expect("DATA"),
            send("354 Go\r\n"),
            data(),
            send("250 Queued\r\n"),
            expect("QUIT"),
            send("221 Bye\r\n")};
}

class MtaStsDeliveryTest : public testing::AgentTest {
  protected:
    // A certificate (self-signed, so also its own CA) for `name`.
    server::CertificatePaths certificate(const std::string& name) {
        std::filesystem::create_directories(dir / name);
        return server::ensure_self_signed_certificate(dir / name, name);
    }

    std::shared_ptr<asio::ssl::context> sink_tls(const std::string& name) {
        auto paths = certificate(name);
        sink_ca = paths.certificate;
        return net::make_server_tls_context(net::TlsFiles{paths.certificate, paths.private_key});
    }

    // Publishes `policy` for sts.test and delivers a message to bob@sts.test at `sink_port`.
    std::string deliver_with(mtasts::Policy policy, int sink_port) {
        auto paths = certificate("mta-sts.sts.test");
        auto tls =
            net::make_server_tls_context(net::TlsFiles{paths.certificate, paths.private_key});
        mtasts::PolicyServer policy_server(
            io, workers, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
            [tls] { return tls; },
            mtasts::ServedPolicy{std::move(policy),
                                 [](std::string_view domain) { return domain == "sts.test"; }});
        policy_server.start();

        DnsConfig c;
        c.upstream = {silent.address()};
        c.timeout = 5s;
        c.local_zones = {"test static"};
        c.local_data = {"sts.test. MX 10 mx.sts.test.", "mx.sts.test. A 127.0.0.1",
                        "mta-sts.sts.test. A 127.0.0.1",
                        "_mta-sts.sts.test. TXT \"v=STSv1; id=20261123\""};
        dns::Resolver& r = start_resolver(c);

        AgentOptions o = options(sink_port);
        o.tls_context = net::make_client_tls_context(sink_ca);
        o.mta_sts = std::make_shared<mtasts::PolicySource>(
            r, workers, cache,
            mtasts::FetchOptions{net::make_client_tls_context(paths.certificate),
                                 policy_server.port(), 5s});
        std::string reply = deliver("bob@sts.test", std::move(o));
        policy_server.stop();
        io.run_for(100ms);
        return reply;
    }

    static mtasts::Policy policy(mtasts::Mode mode, std::string mx) {
        return mtasts::Policy{mode, 86400, {std::move(mx)}};
    }

    dns::testing::SilentUpstream silent;
    mtasts::PolicyCache cache{dir / "mta-sts.db", crypto::SecretBytes::random(32)};
    std::filesystem::path sink_ca;
};

TEST_F(MtaStsDeliveryTest, EnforcedPolicyDeliversToAListedHostWithAValidCertificate) {
    FakeServer sink(io, tls_delivery(), sink_tls("mx.sts.test"));
    EXPECT_EQ(deliver_with(policy(mtasts::Mode::enforce, "*.sts.test"), sink.endpoint().port()),
              "");
    EXPECT_TRUE(sink.finished());
    EXPECT_EQ(sink.content(), "Subject: hi\r\n\r\nhello\r\n");
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].policy, TlsOutcome::Policy::sts);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::success);
    EXPECT_TRUE(outcomes[0].tls);
    // RFC 8461 §5.1: kept for the next delivery, under the TXT record's id.
    auto cached = cache.find("sts.test");
    ASSERT_TRUE(cached);
    EXPECT_EQ(cached->id, "20261123");
    EXPECT_EQ(cached->policy.mode, mtasts::Mode::enforce);
    EXPECT_GT(cached->expires_at, cached->fetched_at);
}

TEST_F(MtaStsDeliveryTest, EnforcedPolicyNeverUsesAHostItDoesNotList) {
    FakeServer sink(io, {send("220 mx.sts.test ESMTP\r\n")}, sink_tls("mx.sts.test"));
    std::string reply =
        deliver_with(policy(mtasts::Mode::enforce, "mx.elsewhere.test"), sink.endpoint().port());
    EXPECT_EQ(reply, "4.7.5 mx.sts.test is not an MX host the MTA-STS policy allows");
    EXPECT_FALSE(sink.finished());  // never connected to
}

TEST_F(MtaStsDeliveryTest, EnforcedPolicyRefusesACertificateForAnotherName) {
    FakeServer sink(io,
                    {send("220 mx.sts.test ESMTP\r\n"), expect(kEhlo),
                     send("250-mx.sts.test\r\n250 STARTTLS\r\n"), expect("STARTTLS"),
                     send("220 Ready\r\n"), starttls()},
                    sink_tls("wrong.sts.test"));
    std::string reply =
        deliver_with(policy(mtasts::Mode::enforce, "mx.sts.test"), sink.endpoint().port());
    EXPECT_TRUE(reply.starts_with("4.7.5 ")) << reply;
    EXPECT_NE(reply.find("hostname mismatch"), std::string::npos) << reply;
    EXPECT_EQ(sink.content(), "");
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::certificate_host_mismatch);
}

TEST_F(MtaStsDeliveryTest, TestingModeDeliversAndRecordsWhatWouldHaveFailed) {
    FakeServer sink(io, tls_delivery(), sink_tls("wrong.sts.test"));
    EXPECT_EQ(deliver_with(policy(mtasts::Mode::testing, "mx.sts.test"), sink.endpoint().port()),
              "");
    EXPECT_TRUE(sink.finished());
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].policy, TlsOutcome::Policy::sts);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::certificate_host_mismatch);
    EXPECT_EQ(outcomes[0].detail, "hostname mismatch");
}

}  // namespace
}  // namespace sealbox::queue

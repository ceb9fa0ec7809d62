// RFC 8461 §3.3 against Sealbox's own policy server on 127.0.0.1: the fetch over HTTPS with a
// test CA, the certificate checked for mta-sts.<domain>, 404 for other hosts, and the answers
// the server gives.

#include "mtasts/fetch.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <future>

#include "dns/dns_fixture.h"
#include "mtasts/server.h"
#include "net/tls.h"
#include "server/self_signed_cert.h"
#include "support/temp_dir.h"

namespace sealbox::mtasts {
namespace {

namespace asio = boost::asio;

bool ours(std::string_view domain) {
    return domain == "sts.test" || domain == "other.test";
}

const ServedPolicy kServed{Policy{Mode::enforce, 86400, {"mx.sts.test", "*.sts.test"}}, ours};

TEST(PolicyAnswer, OnlyThePolicyPathForOurDomains) {
    auto text = answer(kServed, "GET", "/.well-known/mta-sts.txt", "MTA-STS.sts.test:443");
    ASSERT_TRUE(text);
    EXPECT_EQ(*text,
              "version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmx: *.sts.test\r\n"
              "max_age: 86400\r\n");
    EXPECT_FALSE(answer(kServed, "POST", "/.well-known/mta-sts.txt", "mta-sts.sts.test"));
    EXPECT_FALSE(answer(kServed, "GET", "/", "mta-sts.sts.test"));
    EXPECT_FALSE(answer(kServed, "GET", "/.well-known/mta-sts.txt", "sts.test"));
    EXPECT_FALSE(answer(kServed, "GET", "/.well-known/mta-sts.txt", "mta-sts.elsewhere.test"));
}

TEST(ContentType, TextPlainWithAnyParameters) {
    EXPECT_TRUE(is_text_plain("text/plain"));
    EXPECT_TRUE(is_text_plain("Text/Plain; charset=utf-8"));
    EXPECT_FALSE(is_text_plain("text/html"));
    EXPECT_FALSE(is_text_plain("text/plainer"));
    EXPECT_FALSE(is_text_plain(""));
}

class FetchTest : public dns::testing::DnsTest {
  protected:
    FetchTest() {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "mta-sts.sts.test");
        ca = paths.certificate;
        auto tls =
            net::make_server_tls_context(net::TlsFiles{paths.certificate, paths.private_key});
        policy_server.emplace(
            io, workers, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
            [tls] { return tls; }, kServed);
        policy_server->start();
    }

    FetchResult fetch(const std::string& domain) {
        dns::Resolver& r =
            resolver({"mta-sts.sts.test. A 127.0.0.1", "mta-sts.other.test. A 127.0.0.1"});
        FetchOptions o{net::make_client_tls_context(ca), policy_server->port(),
                       std::chrono::seconds(5)};
        // The policy server keeps the io_context busy: run only until the fetch is done.
        auto done = asio::co_spawn(io, fetch_policy(r, domain, o), asio::use_future);
        io.restart();
        for (int i = 0;
             i < 500 && done.wait_for(std::chrono::seconds(0)) != std::future_status::ready; ++i) {
            io.run_for(std::chrono::milliseconds(20));
        }
        return done.get();
    }

    sealbox::testing::TempDir dir;
    asio::thread_pool workers{1};
    std::filesystem::path ca;
    std::optional<PolicyServer> policy_server;
};

TEST_F(FetchTest, FetchesAndParsesThePolicy) {
    auto result = fetch("sts.test");
    ASSERT_TRUE(result.policy) << result.error;
    EXPECT_EQ(result.policy->mode, Mode::enforce);
    EXPECT_EQ(result.policy->mx, kServed.policy.mx);
    EXPECT_EQ(result.policy->max_age, 86400);
    EXPECT_EQ(result.problem, FetchProblem::none);
}

TEST_F(FetchTest, ACertificateForAnotherHostIsRefused) {
    // The server would answer for other.test, but its certificate names mta-sts.sts.test only.
    auto result = fetch("other.test");
    EXPECT_FALSE(result.policy);
    EXPECT_EQ(result.error, "certificate: hostname mismatch");
    EXPECT_EQ(result.problem, FetchProblem::certificate);
}

TEST_F(FetchTest, NoPolicyHostIsNoPolicy) {
    auto result = fetch("nowhere.test");
    EXPECT_FALSE(result.policy);
    EXPECT_NE(result.error.find("mta-sts.nowhere.test"), std::string::npos) << result.error;
    EXPECT_EQ(result.problem, FetchProblem::unreachable);
}

}  // namespace
}  // namespace sealbox::mtasts

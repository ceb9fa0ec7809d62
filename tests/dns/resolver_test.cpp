#include "dns/resolver.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <thread>

#include "core/error.h"
#include "dns/dns_fixture.h"

namespace sealbox::dns {
namespace {

namespace asio = boost::asio;
using asio::ip::make_address;
using testing::DnsTest;

std::vector<std::string> exchanges(const MxAnswer& answer) {
    std::vector<std::string> names;
    for (const auto& mx : answer.records) {
        names.push_back(std::to_string(mx.preference) + " " + mx.exchange);
    }
    std::sort(names.begin(), names.end());
    return names;
}

TEST_F(DnsTest, AnswersMxFromLocalData) {
    auto& r = resolver({"example.test. 300 IN MX 10 mx1.example.test.",
                        "example.test. 300 IN MX 20 MX2.Example.test."});
    MxAnswer answer = run(r.mx("example.test"));
    EXPECT_EQ(answer.status, Status::ok);
    EXPECT_FALSE(answer.secure);  // local data is not DNSSEC-validated
    // Names are not lowercased here (libunbound keeps some of the case): compare them without case.
    EXPECT_EQ(exchanges(answer),
              (std::vector<std::string>{"10 mx1.example.test", "20 MX2.example.test"}));
    // With the final dot, and in another case, the name is the same.
    EXPECT_EQ(run(r.mx("EXAMPLE.test.")).records.size(), 2U);
}

TEST_F(DnsTest, TellsNoSuchDomainFromNoData) {
    auto& r = resolver({"host.example.test. IN A 192.0.2.1"});
    auto missing = run(r.a("nothing.example.test"));
    EXPECT_EQ(missing.status, Status::nxdomain);
    EXPECT_TRUE(missing.records.empty());
    EXPECT_FALSE(missing.detail.empty());
    auto no_mx = run(r.mx("host.example.test"));
    EXPECT_EQ(no_mx.status, Status::nodata);
    EXPECT_TRUE(no_mx.records.empty());
}

TEST_F(DnsTest, AnswersAAndAaaaSeparatelyAndTogether) {
    auto& r = resolver({"dual.example.test. IN A 192.0.2.1", "dual.example.test. IN A 192.0.2.2",
                        "dual.example.test. IN AAAA 2001:db8::1", "v4.example.test. IN A 192.0.2.9",
                        "v6.example.test. IN AAAA 2001:db8::9"});
    auto a = run(r.a("dual.example.test"));
    ASSERT_EQ(a.status, Status::ok);
    EXPECT_EQ(a.records.size(), 2U);
    auto aaaa = run(r.aaaa("dual.example.test"));
    ASSERT_EQ(aaaa.status, Status::ok);
    EXPECT_EQ(aaaa.records, (std::vector<asio::ip::address>{make_address("2001:db8::1")}));

    auto both = run(r.addresses("dual.example.test"));
    ASSERT_EQ(both.status, Status::ok);
    ASSERT_EQ(both.records.size(), 3U);
    EXPECT_EQ(both.records[0], make_address("2001:db8::1"));  // IPv6 first
    EXPECT_TRUE(both.records[1].is_v4());
    EXPECT_TRUE(both.records[2].is_v4());

    EXPECT_EQ(run(r.addresses("v4.example.test")).records,
              (std::vector<asio::ip::address>{make_address("192.0.2.9")}));
    EXPECT_EQ(run(r.addresses("v6.example.test")).records,
              (std::vector<asio::ip::address>{make_address("2001:db8::9")}));
    EXPECT_EQ(run(r.addresses("none.example.test")).status, Status::nxdomain);

    std::vector<std::string> hosts{"v6.example.test", "none.example.test", "v4.example.test"};
    auto many = run(r.addresses(hosts));
    ASSERT_EQ(many.size(), 3U);
    EXPECT_EQ(many[0].records, (std::vector<asio::ip::address>{make_address("2001:db8::9")}));
    EXPECT_EQ(many[1].status, Status::nxdomain);
    EXPECT_EQ(many[2].records, (std::vector<asio::ip::address>{make_address("192.0.2.9")}));
}

// RFC 7208 §3.3: the strings of one TXT record are joined without a space; each record stays a
// string of its own.
TEST_F(DnsTest, JoinsTheStringsOfEachTxtRecord) {
    auto& r =
        resolver({R"(example.test. IN TXT "v=spf1 ip4:192.0.2.0/24" " ip6:2001:db8::/32" " -all")",
                  R"(example.test. IN TXT "google-site-verification=abc")"});
    auto answer = run(r.txt("example.test"));
    ASSERT_EQ(answer.status, Status::ok);
    std::sort(answer.records.begin(), answer.records.end());
    EXPECT_EQ(answer.records,
              (std::vector<std::string>{"google-site-verification=abc",
                                        "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all"}));
}

TEST_F(DnsTest, DecodesTlsaRecords) {
    std::string digest(64, 'a');
    auto& r = resolver({"_25._tcp.mx.example.test. IN TLSA 3 1 1 " + digest});
    auto answer = run(r.tlsa("_25._tcp.mx.example.test"));
    ASSERT_EQ(answer.status, Status::ok);
    ASSERT_EQ(answer.records.size(), 1U);
    const TlsaRecord& tlsa = answer.records[0];
    EXPECT_EQ(tlsa.usage, 3);
    EXPECT_EQ(tlsa.selector, 1);
    EXPECT_EQ(tlsa.matching_type, 1);
    EXPECT_EQ(tlsa.data, std::vector<std::uint8_t>(32, 0xaa));
}

TEST_F(DnsTest, AnswersPtrForIpv4AndIpv6) {
    auto& r = resolver({"1.2.0.192.in-addr.arpa. IN PTR mail.example.test.",
                        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. "
                        "IN PTR mail6.example.test."});
    auto v4 = run(r.ptr(make_address("192.0.2.1")));
    ASSERT_EQ(v4.status, Status::ok);
    EXPECT_EQ(v4.records, std::vector<std::string>{"mail.example.test"});
    auto v6 = run(r.ptr(make_address("2001:db8::1")));
    ASSERT_EQ(v6.status, Status::ok);
    EXPECT_EQ(v6.records, std::vector<std::string>{"mail6.example.test"});
}

TEST_F(DnsTest, FollowsCnamesAndStopsAtLoops) {
    auto& r = resolver({"alias.example.test. IN CNAME second.example.test.",
                        "second.example.test. IN CNAME host.example.test.",
                        "host.example.test. IN A 192.0.2.7",
                        "host.example.test. IN MX 5 host.example.test.",
                        "loop1.example.test. IN CNAME loop2.example.test.",
                        "loop2.example.test. IN CNAME loop1.example.test.",
                        "dangling.example.test. IN CNAME gone.example.test."});
    auto a = run(r.a("alias.example.test"));
    ASSERT_EQ(a.status, Status::ok);
    EXPECT_EQ(a.records, (std::vector<asio::ip::address>{make_address("192.0.2.7")}));
    EXPECT_EQ(run(r.mx("alias.example.test")).records.size(), 1U);
    EXPECT_EQ(run(r.aaaa("alias.example.test")).status, Status::nodata);
    EXPECT_EQ(run(r.a("dangling.example.test")).status, Status::nxdomain);
    auto loop = run(r.a("loop1.example.test"));
    EXPECT_EQ(loop.status, Status::temporary);
    EXPECT_NE(loop.detail.find("CNAME"), std::string::npos);
}

TEST_F(DnsTest, TextThatCannotBeANameDoesNotExist) {
    auto& r = resolver({});
    EXPECT_EQ(run(r.a("a..example.test")).status, Status::nxdomain);
    EXPECT_EQ(run(r.mx(std::string(70, 'x') + ".example.test")).status, Status::nxdomain);
}

TEST_F(DnsTest, BadSettingsAreConfigErrorsNamingTheKey) {
    auto error_of = [&](DnsConfig c) -> std::string {
        try {
            Resolver r(io.get_executor(), c);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::config);
            return e.what();
        }
        return "accepted";
    };
    EXPECT_NE(error_of(config({"example.test. IN MX ten mx.example.test."})).find("dns.local_data"),
              std::string::npos);
    DnsConfig zone = config({});
    zone.local_zones = {"bad..zone static"};
    EXPECT_NE(error_of(zone).find("dns.local_zones"), std::string::npos);
    DnsConfig anchor = config({});
    anchor.trust_anchor_file = "/nonexistent/root.key";
    EXPECT_NE(error_of(anchor).find("dns.trust_anchor_file"), std::string::npos);
    anchor.dnssec = false;
    EXPECT_EQ(error_of(anchor), "accepted");
}

// Past dns.timeout a query is a temporary failure, and libunbound's late answer (or failure)
// for it changes nothing.
TEST_F(DnsTest, TimesOutWhenTheUpstreamNeverAnswers) {
    DnsConfig c = config({"here.example.test. IN A 192.0.2.1"});
    c.timeout = std::chrono::milliseconds(300);
    Resolver r(io.get_executor(), c);
    auto started = std::chrono::steady_clock::now();
    auto answer = run(r.a("www.example.org"));
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(answer.status, Status::temporary);
    EXPECT_NE(answer.detail.find("300ms"), std::string::npos) << answer.detail;
    EXPECT_GE(took, std::chrono::milliseconds(290));
    EXPECT_LT(took, std::chrono::seconds(3));

    // A query that times out does not hold up one asked at the same time.
    auto [slow, fast] = run([&]() -> asio::awaitable<std::tuple<MxAnswer, AddressAnswer>> {
        using namespace asio::experimental::awaitable_operators;
        co_return co_await (r.mx("example.org") && r.a("here.example.test"));
    }());
    EXPECT_EQ(slow.status, Status::temporary);
    EXPECT_EQ(fast.status, Status::ok);

    // Let libunbound's own retries for the abandoned queries run into their end.
    run([&]() -> asio::awaitable<int> {
        asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::seconds(2));
        co_await pause.async_wait(asio::use_awaitable);
        co_return 0;
    }());
    EXPECT_EQ(run(r.a("here.example.test")).status, Status::ok);
}

// Many coroutines on two threads, each on its own strand, share one resolver; each is resumed
// on its own strand.
TEST_F(DnsTest, ServesManyConcurrentQueriesOnTwoThreads) {
    std::vector<std::string> records;
    for (int i = 0; i < 50; ++i) {
        records.push_back(fmt::format("h{}.example.test. IN A 192.0.2.{}", i, i + 1));
        records.push_back(fmt::format("h{}.example.test. IN MX {} h{}.example.test.", i, i, i));
    }
    Resolver& r = resolver(records);
    constexpr int kQueries = 400;
    std::atomic<int> right{0};
    std::atomic<int> on_own_strand{0};
    std::atomic<int> done{0};
    std::promise<void> all_done;
    for (int i = 0; i < kQueries; ++i) {
        auto strand = asio::make_strand(io);
        asio::co_spawn(
            strand,
            [&, i, strand]() -> asio::awaitable<void> {
                int host = i % 50;
                std::string name = fmt::format("h{}.example.test", host);
                bool ok;
                if (i % 2 == 0) {
                    auto a = co_await r.a(name);
                    ok = a.status == Status::ok && a.records.size() == 1 &&
                         a.records[0] == make_address(fmt::format("192.0.2.{}", host + 1));
                } else {
                    auto mx = co_await r.mx(name);
                    ok = mx.status == Status::ok && mx.records.size() == 1 &&
                         mx.records[0].preference == host;
                }
                right += ok ? 1 : 0;
                on_own_strand += strand.running_in_this_thread() ? 1 : 0;
                if (++done == kQueries) {
                    all_done.set_value();
                }
            },
            asio::detached);
    }
    std::thread second([&] { io.run(); });
    io.run();
    second.join();
    ASSERT_EQ(all_done.get_future().wait_for(std::chrono::seconds(0)), std::future_status::ready);
    EXPECT_EQ(right, kQueries);
    EXPECT_EQ(on_own_strand, kQueries);
}

// Destroying the resolver while queries wait on the network answers them at once.
TEST_F(DnsTest, DestroyingTheResolverAnswersQueriesInFlight) {
    DnsConfig c = config({});
    c.timeout = std::chrono::seconds(30);
    auto r = std::make_unique<Resolver>(io.get_executor(), c);
    constexpr int kQueries = 20;
    std::atomic<int> shut_down{0};
    std::atomic<int> started{0};
    for (int i = 0; i < kQueries; ++i) {
        asio::co_spawn(
            asio::make_strand(io),
            [&, i]() -> asio::awaitable<void> {
                ++started;
                auto answer = co_await r->mx(fmt::format("d{}.example.org", i));
                if (answer.status == Status::temporary &&
                    answer.detail.find("shut down") != std::string::npos) {
                    ++shut_down;
                }
            },
            asio::detached);
    }
    auto began = std::chrono::steady_clock::now();
    std::thread first([&] { io.run(); });
    std::thread second([&] { io.run(); });
    while (started < kQueries) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    r.reset();
    first.join();
    second.join();
    EXPECT_EQ(shut_down, kQueries);
    EXPECT_LT(std::chrono::steady_clock::now() - began, std::chrono::seconds(10));
}

// The io_context stopping first, with queries in flight, and being destroyed after the
// resolver, is a server's shutdown: nothing may crash or leak.
TEST(DnsShutdown, StoppingTheIoContextWithQueriesInFlightIsClean) {
    testing::SilentUpstream silent;
    auto io = std::make_unique<asio::io_context>();
    DnsConfig c;
    c.upstream = {silent.address()};
    auto r = std::make_unique<Resolver>(io->get_executor(), c);
    for (int i = 0; i < 10; ++i) {
        asio::co_spawn(
            *io,
            [&r, i]() -> asio::awaitable<void> {
                co_await r->addresses(fmt::format("s{}.example.org", i));
                ADD_FAILURE() << "answered after the io_context stopped";
            },
            asio::detached);
    }
    io->run_for(std::chrono::milliseconds(200));
    io->stop();
    r.reset();
    io.reset();
}

}  // namespace
}  // namespace sealbox::dns
